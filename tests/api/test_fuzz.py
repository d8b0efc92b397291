"""Schemathesis throws generated and malformed requests at every operation of the API, as a
logged-in customer, through the WSGI app: whatever it sends, the portal must not answer 5xx.

The harness reads the schema at run time, so it covers every endpoint that exists when it runs.
Its cost is bounded: a fixed budget of examples is shared between the operations (with a floor
per operation), and the coverage phase, whose size grows with the schema, is left out."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from schemathesis.checks import not_a_server_error

from portal.wsgi import application

# About 0.01-0.05 s per request here: the whole run stays well under a minute as the API grows.
TOTAL_EXAMPLES = 600
PER_OPERATION = (5, 60)


@pytest.fixture
def keep_test_connection(db):
    """Django closes the database connection when a request starts and finishes, which would end
    the test's transaction half-way; its own test client switches that off for the request, and
    so must we for requests made straight through the WSGI app."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(keep_test_connection, api_token):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    count = sum(1 for _ in schema.get_all_operations())
    low, high = PER_OPERATION
    schema.config.generation.update(
        max_examples=max(low, min(high, TOTAL_EXAMPLES // max(count, 1))),
        # Same cases on every run and no .hypothesis/ folder: a failure reproduces.
        deterministic=True,
        database="none",
        # Generated strings may carry NUL bytes (refused with 400 in one middleware; issue 7);
        # test_hostile_strings.py sends a NUL and a long string to every string parameter.
        allow_x00=True,
    )
    schema.config.phases.update(phases=["examples", "fuzzing"])
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_no_operation_answers_with_a_server_error(case, api_user):
    from rest_framework.authtoken.models import Token

    from portal.accounts.models import User

    # An operation may log the user out, revoke the token or deactivate the account: start
    # every case logged in, so each operation is reached with valid credentials.
    User.objects.filter(pk=api_user.pk).update(is_active=True)
    token, _ = Token.objects.get_or_create(user=api_user)
    # Each case in its own savepoint, rolled back after: one case's data (or a database error it
    # provoked) cannot change what the next case sees.
    with transaction.atomic():
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=[not_a_server_error])
        finally:
            transaction.set_rollback(True)
