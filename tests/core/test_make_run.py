"""`make run` serves the demo on SQLite with tasks in-process: its database steps must work
there too, not only on the PostgreSQL of the test suite."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_migrate_and_seed_demo_work_on_sqlite_as_make_run_does(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]
    # The table of log-ins is the last thing seed_demo prints: every step ran.
    assert "18609710001" in done.stdout and "Gongdian#2026" in done.stdout
