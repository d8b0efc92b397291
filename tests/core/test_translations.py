"""The interface is Chinese by default with a complete English translation (locale/en)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]+\}")


def entries():
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_every_placeholder():
    broken = []
    for e in entries():
        for translated in e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]:
            if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(translated)):
                if not e.msgid_plural:  # a plural's singular may drop the count
                    broken.append(e.msgid)
    assert broken == []


def test_no_translatable_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """makemessages over a copy of the sources finds nothing the committed catalogue lacks."""
    copy = tmp_path / "src"
    copy.mkdir()
    for name in ("manage.py", "portal", "applications", "utility_flows", "licensing", "evaluations", "templates"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    found = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po")) if e.msgid}
    committed = {(e.msgctxt, e.msgid) for e in entries()}
    assert len(found) > 1000  # the copy really was scanned
    assert sorted(m for _, m in found - committed) == [], "run makemessages -l en and translate the new strings"


@pytest.mark.django_db
def test_a_customer_who_switches_to_english_reads_english(client):
    from tests.factories import VerifiedUserFactory

    client.force_login(VerifiedUserFactory(name="马晓燕"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Online Power Supply Service Hall" in page
    assert "All services" in page or "All functions" in page
    catalog = client.get("/services/").content.decode()
    # Only data (the customer's name) may remain in Chinese, not the interface.
    interface = re.sub(r"马晓燕", "", re.sub(r"<script.*?</script>", "", catalog, flags=re.S))
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'lang="zh-Hans">中文<', "", interface))
