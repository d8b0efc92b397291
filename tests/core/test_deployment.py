"""Production set-up: the settings in .env.example pass Django's deployment check, the static
files collect as the Dockerfile does it, and docker-compose.yml describes the five services.

Docker itself cannot run on the test machines, so the compose file is checked by reading it."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _production_env(**overrides: str) -> dict[str, str]:
    # Start from a clean slate of the portal's own variables: a developer's DEBUG=true must not leak in.
    # tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never does.
    test_only = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in _env_example() and k not in test_only}
    env.update(_env_example())
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=_test_database_url(),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_deploy_check_is_clean_with_the_production_settings_of_env_example():
    env = _production_env()
    assert env["DEBUG"] == "false" and env["SESSION_COOKIE_SECURE"] == "true"

    result = _manage("check", "--deploy", "--database", "default", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"\(\w+\.W\d+\)", output), output


@pytest.mark.django_db
def test_deploy_check_does_catch_an_insecure_configuration():
    # Proves the check above really runs the deployment checks on these settings.
    env = _production_env(DEBUG="true", SESSION_COOKIE_SECURE="false", SECRET_KEY="short")

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    for check in ("security.W018", "security.W012", "security.W009"):
        assert check in output


def test_static_files_collect_with_hashed_names_as_in_the_docker_image(tmp_path):
    # The image uses WhiteNoise's compressing subclass; the part that can fail (a CSS or JS file
    # referring to a file that is not there) is the manifest's, and compressing ~10 MB of Swagger
    # UI would make this test a minute slower.
    env = _production_env(
        STATIC_ROOT=str(tmp_path / "static"),
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    )
    assert _env_example()["STATICFILES_STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"

    result = _manage("collectstatic", "--noinput", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "css/portal.css" in manifest
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in manifest


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_file_runs_web_worker_beat_db_and_redis():
    services = _compose()["services"]

    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    web, worker, beat = services["web"], services["worker"], services["beat"]
    assert "manage.py migrate" in _command(web)
    assert "gunicorn portal.wsgi" in _command(web)
    # migrate must finish before gunicorn takes traffic
    assert _command(web).index("migrate") < _command(web).index("grant_app_role") < _command(web).index("gunicorn")
    assert "celery -A portal worker" in _command(worker)
    assert "celery -A portal beat" in _command(beat)
    assert "django_celery_beat.schedulers:DatabaseScheduler" in _command(beat)
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == [".env"] or services[name]["env_file"] == ".env"
        assert services[name]["build"] == "." or services[name].get("image") == services["web"].get("image")


def test_compose_database_and_redis_are_the_pinned_versions_with_healthchecks():
    compose = _compose()
    db, redis = compose["services"]["db"], compose["services"]["redis"]

    assert db["image"].startswith("postgres:15")
    assert any(v.split(":")[1] == "/var/lib/postgresql/data" for v in db["volumes"])
    assert db["volumes"][0].split(":")[0] in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert redis["image"].startswith("redis:7")
    assert "redis-cli" in " ".join(redis["healthcheck"]["test"])


def test_compose_web_is_healthy_only_when_healthz_says_so_and_others_wait_for_it():
    services = _compose()["services"]

    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"
    # The scheduler and the worker need the tables that web's migrate creates.
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_dockerfile_builds_a_non_root_gunicorn_image_with_the_debian_packages_of_the_install_script():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    script = (ROOT / "scripts" / "install-system-packages.sh").read_text(encoding="utf-8")
    runtime_packages = re.search(r"^pkgs=\(([^)]*)\)", script, re.M).group(1).split()

    assert dockerfile.startswith("# syntax=") or "FROM python:3.11-slim-bookworm" in dockerfile
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    for package in runtime_packages:
        assert package in dockerfile, f"{package} is installed by the script but not in the image"
    assert "compilemessages" in dockerfile and "collectstatic" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "gunicorn" in dockerfile


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        "change-me-to-a-long-random-string-of-at-least-fifty-characters",  # .env.example's placeholder
        "django-insecure-" + "k" * 50,  # startproject's development key
        "dev-only-insecure-key-never-use-in-production",  # the portal's own development default
        "tooshort",
        "ab" * 40,  # long but plain
    ],
)
def test_a_placeholder_or_weak_secret_key_is_refused_at_start_up(key):
    """Issue 7: the .env.example placeholder SECRET_KEY was accepted in production."""
    assert _env_example()["SECRET_KEY"] == "change-me-to-a-long-random-string-of-at-least-fifty-characters"
    result = _manage("check", env=_production_env(SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr
