from tests.oidc_provider.fixtures import oidc_provider, sso_providers  # noqa: F401 - pytest fixtures
