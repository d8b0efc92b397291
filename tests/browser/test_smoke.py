import pytest


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_in_a_real_chromium(page, live_server):
    page.goto(f"{live_server.url}/healthz")
    assert '"database": "ok"' in page.content()
