"""告知承诺制: the production credit adapter talks HTTP to the credit-energy interface (here a
real local HTTP server standing in for it); an unreachable service means the ordinary route."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from licensing.credit import commitment_route_open, get_credit_checker
from tests.licensing.helpers import make_firm


class _CreditService(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((self.headers.get("Authorization"), body))
        good = body["credit_code"] != self.server.bad_code
        payload = json.dumps({"good": good, "reason": "" if good else "失信被执行人"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def credit_service(settings):
    server = HTTPServer(("127.0.0.1", 0), _CreditService)
    server.seen, server.bad_code = [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LICENSING_CREDIT_CHECKER = "licensing.credit.HttpCreditChecker"
    settings.LICENSING_CREDIT_URL = f"http://127.0.0.1:{server.server_port}/credit"
    settings.LICENSING_CREDIT_KEY = "secret-key"
    yield server
    server.shutdown()
    server.server_close()


def test_the_http_adapter_asks_the_service_with_the_key(db, credit_service):
    firm = make_firm()
    assert commitment_route_open(firm)
    credit_service.bad_code = firm.enterprise.credit_code
    assert not commitment_route_open(firm)
    answer = get_credit_checker().check(credit_code=firm.enterprise.credit_code, name=firm.enterprise.name)
    assert answer.reason == "失信被执行人"
    auth, body = credit_service.seen[0]
    assert auth == "Bearer secret-key" and body == {
        "credit_code": firm.enterprise.credit_code,
        "name": firm.enterprise.name,
    }


def test_an_unreachable_service_means_the_ordinary_route(db, settings):
    settings.LICENSING_CREDIT_CHECKER = "licensing.credit.HttpCreditChecker"
    settings.LICENSING_CREDIT_URL = "http://127.0.0.1:9/credit"
    assert not commitment_route_open(make_firm())
