"""Which documents an application needs now, and how each is covered — the wizard engine's
(``portal.wizard.engine``) answer for applications, kept under the names the app uses."""

from __future__ import annotations

from applications.catalog.base import DocumentRule, RuleContext
from applications.models import Application
from portal.wizard.engine import Requirement, merged_answers, requirements_for
from portal.wizard.engine import rule_context as _rule_context

__all__ = ["Requirement", "document_owner", "merged_answers", "requirements_for", "rule_context"]


def rule_context(application: Application) -> RuleContext:
    return _rule_context(application)


def document_owner(application: Application, rule: DocumentRule) -> dict:
    """Whose document a rule asks for: the enterprise applying, or the person."""
    owner_user_id, owner_enterprise_id = application.business.document_owner(application, rule)
    if owner_enterprise_id:
        return {"owner_enterprise_id": owner_enterprise_id}
    return {"owner_user_id": owner_user_id, "owner_enterprise_id": None}
