from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from applications.accounts.imports import import_accounts


class Command(BaseCommand):
    help = (
        "Import service accounts (用电户号) from a CSV file, all rows or none (see applications/accounts/imports.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--by", help="phone of the staff user recorded as the importer")

    def handle(self, *args, file: Path, by: str | None, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        user = None
        if by:
            user = get_user_model().objects.filter(phone=by, is_staff=True).first()
            if user is None:
                raise CommandError(f"no staff user with phone {by}")
        result = import_accounts(data=file.read_bytes(), by=user, filename=file.name)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        self.stdout.write(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
