"""Reference data that data migrations seed (role groups and their permissions, document types,
regions, parks...), put back after a transactional test flushed every table.

Transactional tests (live_server for Playwright, a real Celery worker) end with a flush; the
tests after them would find no regions or document types. Django's serialized_rollback cannot
help next to Playwright (its event loop hands the test another connection object without the
serialized copy), so we replay the RunPython operations of the project's migrations instead.
Every data migration must therefore be idempotent (update_or_create / get_or_create,
CREATE OR REPLACE for triggers).
"""

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

PROJECT_APPS = ("portal.", "applications", "utility_flows", "licensing", "evaluations")


def _project_labels() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith(PROJECT_APPS)}


def is_missing() -> bool:
    from django.contrib.auth.models import Group

    from applications.models import Region
    from licensing.models import ReviewTimeLimit
    from portal.documents.models import DocumentType
    from utility_flows.models import TimeLimit

    return not (
        Group.objects.exists()
        and DocumentType.objects.exists()
        and Region.objects.exists()
        and TimeLimit.objects.exists()
        and ReviewTimeLimit.objects.exists()
    )


def replay() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    labels = _project_labels()
    ordered: list[tuple[str, str]] = []  # every migration after its dependencies
    for leaf in sorted(loader.graph.leaf_nodes()):
        for node in loader.graph.forwards_plan(leaf):
            if node not in ordered:
                ordered.append(node)
    with connection.schema_editor(atomic=True) as editor:
        for app_label, name in ordered:
            if app_label not in labels:
                continue
            migration = loader.graph.nodes[(app_label, name)]
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, editor)
