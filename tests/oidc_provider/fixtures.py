"""pytest fixtures that run the test OpenID Connect provider as a separate process.

``oidc_provider`` (session): the provider on a free port, its own SQLite file, two client
registrations (the PC portal and the 青松办 app) and the test people below.
``sso_providers`` (function): the portal's ``SSO_PROVIDERS`` pointing at it."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.factories import resident_id

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Zwfw#2026"
SECRETS = {"portal-pc": "pc-secret-for-tests", "portal-app": "app-secret-for-tests"}
# The people of the provider. IDs use a birth date the factories never use.
PEOPLE = {
    "newcomer": {"name": "韩梅梅", "id_card": resident_id(11, birth="19880808"), "phone_number": "18609719011"},
    "existing": {"name": "马晓燕", "id_card": resident_id(12, birth="19880808"), "phone_number": "18609719012"},
    "by_phone": {"name": "李雷", "id_card": resident_id(13, birth="19880808"), "phone_number": "18609719013"},
    "impostor": {"name": "王小二", "id_card": resident_id(14, birth="19880808"), "phone_number": "18609719014"},
    "unconfirmed_phone": {
        "name": "赵六",
        "id_card": resident_id(15, birth="19880808"),
        "phone_number": "18609719015",
        "phone_number_verified": False,
    },
}


@dataclass
class RunningProvider:
    url: str
    process: subprocess.Popen

    def discovery(self, path: str = "o") -> str:
        return f"{self.url}/{path}/.well-known/openid-configuration"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(
    db_path: Path, port: int | None = None, *, redirect_hosts=("testserver", "localhost", "127.0.0.1"), log=None
) -> RunningProvider:
    port = port or free_port()
    clients = []
    for client_id, name in (("portal-pc", "gov_pc"), ("portal-app", "gov_app")):
        clients.append(
            {
                "client_id": client_id,
                "client_secret": SECRETS[client_id],
                "redirect_uris": [f"http://{h}/sso/{name}/callback/" for h in redirect_hosts],
                "post_logout_redirect_uris": [f"http://{h}/sso/{name}/logged-out/" for h in redirect_hosts],
            }
        )
    users = [{"username": u, "password": PASSWORD, **claims} for u, claims in PEOPLE.items()]
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(db_path),
        "OIDC_PROVIDER_CLIENTS": json.dumps(clients),
        "OIDC_PROVIDER_USERS": json.dumps(users, ensure_ascii=False),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the test OIDC provider exited at start-up")
        try:
            if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                return RunningProvider(url=url, process=process)
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the test OIDC provider did not start within 60 s")


def stop_provider(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


def provider_settings(provider: RunningProvider, *, return_url: str | None = None) -> dict:
    claims = {"name": "name", "id_number": "id_card", "phone": "phone_number"}
    return {
        "gov_pc": {
            "label": "青海政务服务网",
            "discovery_url": provider.discovery(),
            "client_id": "portal-pc",
            "client_secret": SECRETS["portal-pc"],
            "claims": claims,
            "return_url": return_url or f"{provider.url}/",
            "timeout": 5,
        },
        "gov_app": {
            "label": "青松办",
            "discovery_url": provider.discovery(),
            "client_id": "portal-app",
            "client_secret": SECRETS["portal-app"],
            "claims": claims,
            "show_on_login": False,
            "return_url": return_url or f"{provider.url}/",
            "timeout": 5,
        },
    }


def crafted_settings(provider: RunningProvider, mode: str) -> dict:
    return {
        "crafted": {
            "label": "篡改测试",
            "discovery_url": provider.discovery(f"crafted/{mode}"),
            "client_id": "portal-pc",
            "client_secret": "anything",
            "claims": {"name": "name", "id_number": "id_card", "phone": "phone_number"},
            "timeout": 5,
        }
    }


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc_provider")
    with open(folder / "provider.log", "wb") as log:
        provider = start_provider(folder / "provider.sqlite3", log=log)
        yield provider
        stop_provider(provider)


@pytest.fixture
def sso_providers(settings, oidc_provider):
    settings.SSO_PROVIDERS = provider_settings(oidc_provider)
    return settings.SSO_PROVIDERS


class ProviderBrowser:
    """A person's browser at the provider: a requests session that logs in there and follows
    the authorization request until it points back at the portal."""

    def __init__(self, provider: RunningProvider):
        self.provider = provider
        self.http = requests.Session()

    def log_in(self, username: str) -> None:
        login = f"{self.provider.url}/accounts/login/"
        self.http.get(login, timeout=5)
        response = self.http.post(
            login,
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.http.cookies["provider_csrftoken"],
            },
            headers={"Referer": login},
            allow_redirects=False,
            timeout=5,
        )
        assert response.status_code == 302, "log-in at the test provider failed"

    def authorize(self, authorize_url: str) -> str:
        """The portal's callback path and query the provider redirects to."""
        url = authorize_url
        for _hop in range(5):
            response = self.http.get(url, allow_redirects=False, timeout=5)
            assert response.status_code == 302, response.text[:500]
            url = response.headers["Location"]
            if url.startswith("/"):
                url = self.provider.url + url
            parts = urlsplit(url)
            if parts.hostname == "testserver":
                return f"{parts.path}?{parts.query}"
        raise AssertionError("the provider never redirected back to the portal")
