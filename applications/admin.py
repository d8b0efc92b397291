"""The applications app in the backoffice. Each area registers its own models."""

from applications.accounts import admin as accounts_admin  # noqa: F401  (accounts, bills, outages)
