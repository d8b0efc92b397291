"""System check: PDFs need a Chinese font on the machine that renders them (SPEC 7)."""

import shutil
import subprocess

from django.core.checks import Warning, register


@register()
def cjk_font_installed(app_configs=None, **kwargs):
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []  # fontconfig's tools are optional; WeasyPrint itself may still find fonts
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    if found.strip():
        return []
    return [
        Warning(
            "No Chinese font is installed: generated PDFs would show empty boxes instead of Chinese text.",
            hint="Install Debian's fonts-wqy-microhei (named in templates/pdf/base.html), or fonts-noto-cjk.",
            id="documents.W001",
        )
    ]
