"""Seeds the reviewers' working-day limits (审核时限) with the values the code held before they
became rows, and lets licensing reviewers edit them in the admin. Idempotent (tests replay it
after a flush): existing rows, possibly edited by staff, are left as they are."""

from django.db import migrations

from portal.accounts.roles import Role, grant

# (route, state, working days, basis). Copied here on purpose: a migration must not change when
# code does.
LIMITS = [
    ("ordinary", "submitted", 5, "形式审查"),
    ("ordinary", "in_review", 20, "审查与决定"),
    ("commitment", "submitted", 2, "告知承诺制：形式审查"),
    ("commitment", "in_review", 10, "告知承诺制：审查与决定"),
]

REVIEWER_PERMS = ["licensing.view_reviewtimelimit", "licensing.change_reviewtimelimit"]


def seed(apps, schema_editor):
    ReviewTimeLimit = apps.get_model("licensing", "ReviewTimeLimit")
    for route, state, days, note in LIMITS:
        ReviewTimeLimit.objects.get_or_create(route=route, state=state, defaults={"working_days": days, "note": note})
    grant(apps, Role.LICENSING_REVIEWER, REVIEWER_PERMS)


def unseed(apps, schema_editor):
    apps.get_model("licensing", "ReviewTimeLimit").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("licensing", "0003_review_time_limits")]

    operations = [migrations.RunPython(seed, unseed)]
