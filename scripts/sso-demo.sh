#!/usr/bin/env bash
# `make sso-demo`: the portal at http://127.0.0.1:8000 with government single sign-on against the
# local test OpenID Connect provider (tests/oidc_provider, django-oauth-toolkit) at http://127.0.0.1:8001.
# Stops both with Ctrl-C. Not for production: the provider is a test stand-in for 青海政务服务网.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
PROVIDER_PORT=${PROVIDER_PORT:-8001}
mkdir -p var
PROVIDER="http://127.0.0.1:${PROVIDER_PORT}"
SECRET=sso-demo-secret

export OIDC_PROVIDER_DB="$PWD/var/sso-demo-provider.sqlite3"
export OIDC_PROVIDER_CLIENTS='[
 {"client_id": "portal-pc", "client_secret": "'$SECRET'",
  "redirect_uris": ["http://127.0.0.1/sso/gov_pc/callback/", "http://localhost/sso/gov_pc/callback/"],
  "post_logout_redirect_uris": ["http://127.0.0.1/sso/gov_pc/logged-out/", "http://localhost/sso/gov_pc/logged-out/"]},
 {"client_id": "portal-app", "client_secret": "'$SECRET'",
  "redirect_uris": ["http://127.0.0.1/sso/gov_app/callback/", "http://localhost/sso/gov_app/callback/"],
  "post_logout_redirect_uris": ["http://127.0.0.1/sso/gov_app/logged-out/", "http://localhost/sso/gov_app/logged-out/"]}]'
export OIDC_PROVIDER_USERS='[
 {"username": "maxiaoyan", "password": "Zwfw#2026", "name": "马晓燕", "id_card": "630102198804161240", "phone_number": "18609719101"},
 {"username": "hanmeimei", "password": "Zwfw#2026", "name": "韩梅梅", "id_card": "630102199203150217", "phone_number": "18609719102"},
 {"username": "maoming", "password": "Zwfw#2026", "name": "马小燕", "id_card": "630102198804161240", "phone_number": "18609719103"}]'
CLAIMS='{"name": "name", "id_number": "id_card", "phone": "phone_number"}'
export SSO_PROVIDERS='{
 "gov_pc": {"label": "青海政务服务网", "discovery_url": "'$PROVIDER'/o/.well-known/openid-configuration",
            "client_id": "portal-pc", "client_secret": "'$SECRET'", "claims": '"$CLAIMS"', "return_url": "'$PROVIDER'/"},
 "gov_app": {"label": "青松办", "discovery_url": "'$PROVIDER'/o/.well-known/openid-configuration",
             "client_id": "portal-app", "client_secret": "'$SECRET'", "claims": '"$CLAIMS"', "return_url": "'$PROVIDER'/",
             "show_on_login": false}}'

"$BIN/python" -m tests.oidc_provider.serve --port "$PROVIDER_PORT" &
PROVIDER_PID=$!
trap 'kill $PROVIDER_PID 2>/dev/null || true' EXIT
DEBUG=true "$BIN/python" manage.py migrate --noinput
DEBUG=true "$BIN/python" manage.py seed_demo
cat <<TXT

Government single sign-on demo
  portal:   http://127.0.0.1:${PORT}/accounts/login/  → 青海政务服务网登录
  the government portal's link:  http://127.0.0.1:${PORT}/sso/gov_pc/start/?next=/records/
  the 青松办 app's link:         http://127.0.0.1:${PORT}/sso/gov_app/start/
  provider log-ins (password Zwfw#2026):
    maxiaoyan  马晓燕 — linked by ID number to the demo resident; she keeps her 服务记录
    hanmeimei  韩梅梅 — new: an account is created, verified by the government portal
    maoming    马小燕 — 马晓燕's ID number under another name: refused and recorded
  SSO_PROVIDERS for this demo is printed below.
TXT
echo "$SSO_PROVIDERS"
DEBUG=true "$BIN/python" manage.py runserver "127.0.0.1:${PORT}"
