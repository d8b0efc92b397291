"""Forms of applications outside the catalog's steps. The confirm step (SMS code, signature) is
the wizard engine's."""

from portal.wizard.forms import ConfirmForm

__all__ = ["ConfirmForm"]
