"""The five-day rule in the database, and the role groups' permissions.

One mobile number reviews once in 5 days (seed 004). On PostgreSQL an exclusion constraint
refuses a review whose [submitted_at, next_allowed_at) window overlaps another of the same
phone, so two submits racing in parallel cannot both commit: the second waits for the first
and fails. (The window end is a column because ``timestamptz + interval`` is not immutable and
cannot appear in an index.) SQLite, used only by ``make run``, relies on the service's check.
Idempotent, because tests replay the RunPython operations after a flush.
"""

from django.db import migrations

from portal.accounts.roles import Role, grant

CONSTRAINT = "review_one_per_phone_in_window"

REVIEW_ADMIN_PERMS = [
    f"evaluations.{action}_{model}"
    for model in ("review", "reviewitem", "qrcode", "servicepoint", "rectificationcase", "appeal")
    for action in ("view", "add", "change")
] + ["evaluations.view_review_statistics"]
SUPERVISOR_PERMS = [
    "evaluations.view_review", "evaluations.view_rectificationcase", "evaluations.change_rectificationcase",
    "evaluations.view_appeal", "evaluations.decide_appeal", "evaluations.view_review_statistics",
    "evaluations.view_qrcode",
]
# The unit's account managers verify, rectify and reply to the bad reviews of their unit and
# may appeal; they print the codes of their service points.
MANAGER_PERMS = [
    "evaluations.view_review", "evaluations.view_rectificationcase", "evaluations.change_rectificationcase",
    "evaluations.view_appeal", "evaluations.add_appeal", "evaluations.view_qrcode", "evaluations.add_qrcode",
    "evaluations.change_qrcode", "evaluations.view_servicepoint", "evaluations.view_reviewitem",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [CONSTRAINT])
            exists = cursor.fetchone() is not None
        if not exists:
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            schema_editor.execute(
                f"ALTER TABLE evaluations_review ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
                "(phone WITH =, tstzrange(submitted_at, next_allowed_at, '[)') WITH &&)"
            )
    grant(apps, Role.REVIEW_ADMIN, REVIEW_ADMIN_PERMS)
    grant(apps, Role.SUPERVISOR, SUPERVISOR_PERMS)
    grant(apps, Role.ACCOUNT_MANAGER, MANAGER_PERMS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE evaluations_review DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
