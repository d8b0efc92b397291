#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those missing.
#   (no flag)  Pango/HarfBuzz for WeasyPrint, a CJK font, gettext for translations
#   --test     also Debian's Chromium (Playwright drives it; never `playwright install`)
#              and poppler-utils (pdftoppm, to look at rendered PDFs)
set -euo pipefail
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei gettext)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(chromium poppler-utils)
fi
if ! command -v python3.11 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  pkgs+=(python3-venv)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q || true
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
