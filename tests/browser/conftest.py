"""Playwright drives Debian's Chromium (never a downloaded browser) against live_server."""

import pytest

from tests.oidc_provider.fixtures import oidc_provider  # noqa: F401 - the SSO tests' provider process

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Chinese customer's phone: zh-CN, a phone-sized screen.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
