"""The system check warns before a machine without a Chinese font renders empty boxes."""

import os
import stat

from portal.documents.checks import cjk_font_installed


def test_this_machine_has_a_chinese_font():
    assert cjk_font_installed() == []


def test_a_machine_without_a_chinese_font_is_warned(tmp_path, monkeypatch):
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n")  # fontconfig finds no font for :lang=zh
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    warnings = cjk_font_installed()
    assert [w.id for w in warnings] == ["documents.W001"]
    assert "fonts-wqy-microhei" in warnings[0].hint
