"""Issue 7: a NUL byte answered 500 on several endpoints. Beside the generated cases of
test_fuzz.py (schemathesis, which may or may not draw a NUL), every string parameter of every
operation of the schema — path, query and body — is sent a NUL byte and a very long string, as a
logged-in customer: no answer may be a server error, and a NUL is refused as bad input."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.api.conftest import operations

pytestmark = pytest.mark.django_db

HOSTILE = {"nul": "12\x0034", "long": "9" * 5000}


def _string_properties(operation: dict, openapi: dict) -> tuple[str | None, list[str]]:
    content = operation.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if media in content:
            schema = content[media].get("schema", {})
            if "$ref" in schema:
                schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            props = [
                name
                for name, prop in schema.get("properties", {}).items()
                if prop.get("type") == "string" and prop.get("format") != "binary"
            ]
            return media, props
    return None, []


def _cases(openapi: dict):
    for method, path, operation in operations(openapi):
        params = operation.get("parameters", [])
        path_params = {p["name"]: p.get("schema", {}) for p in params if p["in"] == "path"}
        base_path = path
        for name, schema in path_params.items():
            base_path = base_path.replace("{" + name + "}", "1" if schema.get("type") == "integer" else "6301000002")
        for kind, value in HOSTILE.items():
            for name, schema in path_params.items():
                if schema.get("type") == "string":
                    bad = path.replace("{" + name + "}", value.replace("\x00", "%00"))
                    for other in path_params:
                        bad = bad.replace("{" + other + "}", "1")
                    yield f"{method} {path} path:{name}:{kind}", method, bad, {}, None, {}
            for p in params:
                if p["in"] == "query" and p.get("schema", {}).get("type") == "string":
                    yield f"{method} {path} query:{p['name']}:{kind}", method, base_path, {p["name"]: value}, None, {}
            media, props = _string_properties(operation, openapi)
            for prop in props:
                yield f"{method} {path} body:{prop}:{kind}", method, base_path, {}, media, {prop: value}


def test_every_string_parameter_survives_nul_bytes_and_long_strings(openapi, api_user, api_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token}")
    failures, count = [], 0
    for label, method, path, query, media, body in _cases(openapi):
        count += 1
        with transaction.atomic():
            try:
                kwargs = {}
                if media == "application/json":
                    kwargs = {"data": body, "format": "json"}
                elif media:
                    kwargs = {"data": body, "format": "multipart"}
                encoded = "&".join(f"{k}={v.replace(chr(0), '%00')}" for k, v in query.items())
                url = f"{path}?{encoded}" if query else path
                response = getattr(client, method.lower())(url, **kwargs)
            finally:
                transaction.set_rollback(True)
        if response.status_code >= 500 or (":nul" in label and response.status_code < 400):
            failures.append(f"{label} → {response.status_code}")
    assert count > 50  # the schema really was walked
    assert not failures, "\n".join(failures)
