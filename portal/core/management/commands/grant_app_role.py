"""Give the web / worker database role what it needs and nothing more (run as the tables' owner).

    APP_DATABASE_URL=postgres://portal_app:secret@db:5432/portal \\
    DATABASE_URL=postgres://portal:owner-secret@db:5432/portal python manage.py grant_app_role

Migrations run as the owner (``DATABASE_OWNER_URL`` in docker-compose); the site connects as the
app role, which does not own any table. So it reads and writes rows but cannot ALTER or DROP a
table nor DROP / DISABLE the append-only triggers, and on the append-only trails (the audit
trail, the order log, the application history) it may only SELECT and INSERT: no UPDATE, DELETE
or TRUNCATE, whatever the triggers say. Idempotent: run it after every ``migrate``."""

import environ
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from portal.core.append_only import append_only_tables


class Command(BaseCommand):
    help = "Create / update the restricted database role of the web and worker processes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-url", default=None, help="postgres:// URL of the app role (default: the APP_DATABASE_URL variable)"
        )

    def handle(self, *args, app_url=None, **options):
        import os

        url = app_url or os.environ.get("APP_DATABASE_URL", "")
        if not url:
            raise CommandError("Set APP_DATABASE_URL (the web / worker role) or pass --app-url.")
        app = environ.Env.db_url_config(url)
        role, password = app["USER"], app.get("PASSWORD") or ""
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            if role == owner:
                self.stderr.write(
                    self.style.WARNING(
                        f"The app role {role} is the tables' owner: nothing to restrict. Give web / worker their own role."
                    )
                )
                return
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            statement = sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD {}")
            cursor.execute(statement.format(sql.Identifier(role), sql.Literal(password)))
            for text in (
                "GRANT CONNECT ON DATABASE {db} TO {role}",
                "REVOKE CREATE ON SCHEMA public FROM {role}",
                "GRANT USAGE ON SCHEMA public TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
                # Tables a later migration creates get the same grants (the owner creates them).
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
            ):
                cursor.execute(
                    sql.SQL(text).format(db=sql.Identifier(connection.settings_dict["NAME"]), role=sql.Identifier(role))
                )
            append_only = []
            for table in append_only_tables():
                cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
                if cursor.fetchone()[0] is None:
                    continue
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                        sql.Identifier(table), sql.Identifier(role)
                    )
                )
                append_only.append(table)
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb.lower()}d role {role}: rows of every table, append-only on {', '.join(append_only) or '-'}"
            )
        )
