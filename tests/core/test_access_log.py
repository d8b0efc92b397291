"""Issue 7: full phone numbers reached gunicorn's access log from admin searches (?q=138…).
A real gunicorn with the portal's config serves a few requests; its access log is read."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_access_log_has_no_query_strings_and_no_full_phone_numbers(tmp_path):
    from django.db import connection

    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "access.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:portal.gunicorn_conf",
                "--workers",
                "1",
                "portal.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.3)
        for path in ("/admin/accounts/user/?q=13812341234", "/accounts/login/?next=/x/13912345678/"):
            request = urllib.request.Request(base + path, headers={"Referer": f"{base}/admin/?q=13712345678"})
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=10)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=15)
    text = log.read_text()
    assert '"GET /admin/accounts/user/ HTTP/1.1"' in text  # the request is logged...
    for number in ("13812341234", "13912345678", "13712345678"):
        assert number not in text  # ...without the numbers in its query or referrer
    assert "?q=" not in text


def test_compose_and_the_image_start_gunicorn_with_that_config():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert "-c python:portal.gunicorn_conf" in compose["services"]["web"]["command"]
    assert '"python:portal.gunicorn_conf"' in (ROOT / "Dockerfile").read_text(encoding="utf-8")
