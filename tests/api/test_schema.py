"""The API description is a contract with the mobile app: it must be valid OpenAPI 3, complete
about errors, and readable offline in Swagger UI."""

import re

import pytest
import schemathesis
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import operations

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")

    # Raises with the offending JSON path when the document breaks the OpenAPI 3 meta-schema.
    schemathesis.openapi.from_dict(openapi).validate()
    assert openapi["info"]["title"] == "网上供电营业厅 API"
    assert any(path.startswith("/api/v1/") for path in openapi["paths"])


def test_schema_generation_raises_no_warnings_or_errors():
    # A warning means a field typed as "string" by guess or an operation the generator could
    # not understand: the mobile app would be built against a wrong contract.
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)

    problems = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert not problems, "\n".join(problems)


def test_every_operation_documents_at_least_one_4xx_response(openapi):
    undocumented = [
        f"{method} {path}"
        for method, path, operation in operations(openapi)
        if not any(re.fullmatch(r"4\d\d|4XX", code) for code in operation.get("responses", {}))
    ]

    assert list(operations(openapi))
    assert not undocumented


def test_every_error_response_uses_the_portal_error_format(openapi):
    wrong = []
    for method, path, operation in operations(openapi):
        for code, response in operation.get("responses", {}).items():
            if not code.startswith("4"):
                continue
            refs = re.findall(r'"\$ref": "([^"]+)"', str(response).replace("'", '"'))
            if refs and "#/components/schemas/Error" not in refs:
                wrong.append(f"{method} {path} {code}: {refs}")

    assert not wrong


def test_every_operation_has_a_summary_and_a_tag(openapi):
    # House convention: the docs page is what integrators read first.
    missing = [
        f"{method} {path}"
        for method, path, operation in operations(openapi)
        if not operation.get("summary") or not operation.get("tags")
    ]

    assert not missing


def test_swagger_ui_is_served_from_the_sidecar_without_any_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert not re.search(r"cdn|unpkg|jsdelivr|cdnjs", html, re.I)
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)=["']?(/static/[^"' >]+)""", html)
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in a for a in assets)
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        b"".join(served.streaming_content) if served.streaming else served.content
