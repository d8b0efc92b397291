"""Which documents an application needs now, and how each is covered: uploaded for it, valid on
file already (一证通办: not asked again), deferred under a commitment (一证受理), or missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from applications.catalog.base import DocumentRule, RuleContext, Whose
from applications.models import Application, ApplicationDocument
from portal.documents.models import Document, DocumentType


@dataclass
class Requirement:
    rule: DocumentRule
    doc_type: DocumentType
    attached: ApplicationDocument | None
    on_file: Document | None

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def state(self) -> str:
        if self.attached is not None:
            return self.attached.how
        if self.on_file is not None:
            return ApplicationDocument.How.REUSED
        return "missing"

    @property
    def satisfied(self) -> bool:
        return self.state != "missing"

    @property
    def document(self) -> Document | None:
        if self.attached is not None:
            return self.attached.document
        return self.on_file


def rule_context(application: Application) -> RuleContext:
    return RuleContext(
        business=application.business,
        application=application,
        answers=merged_answers(application),
        identity=application.identity,
        account=application.service_account,
    )


def merged_answers(application: Application) -> dict:
    answers: dict = {}
    for key in application.business.step_keys:
        answers.update(application.data.get("answers", {}).get(key, {}))
    return answers


def document_owner(application: Application, rule: DocumentRule) -> dict:
    """Whose document a rule asks for: the enterprise applying, or the person."""
    if rule.whose == Whose.SUBJECT and application.enterprise_id:
        return {"owner_enterprise_id": application.enterprise_id}
    return {"owner_user_id": application.applicant_id, "owner_enterprise_id": None}


def requirements_for(application: Application, *, on: date | None = None) -> list[Requirement]:
    """Every document rule that applies to this application now, with how it is covered.
    A fixed number of queries whatever the number of rules."""
    on = on or timezone.localdate()
    ctx = rule_context(application)
    rules = [r for r in application.business.documents if r.applies(ctx)]
    if not rules:
        return []
    codes = {r.doc_type_code(ctx) for r in rules}
    types = {t.code: t for t in DocumentType.objects.filter(code__in=codes)}
    attached = {
        a.requirement: a
        for a in application.documents.select_related("document__doc_type").exclude(how=ApplicationDocument.How.REUSED)
    }
    owner_filter = Q(owner_user_id=application.applicant_id, owner_enterprise__isnull=True)
    if application.enterprise_id:
        owner_filter |= Q(owner_enterprise_id=application.enterprise_id)
    on_file: dict[tuple, Document] = {}
    candidates = (
        Document.objects.filter(owner_filter, doc_type__code__in=codes, doc_type__reusable=True)
        .valid_on(on)
        .select_related("doc_type")
        .order_by("created_at")
    )
    for document in candidates:  # newest wins
        on_file[(document.doc_type.code, document.owner_user_id, document.owner_enterprise_id)] = document
    result = []
    for rule in rules:
        code = rule.doc_type_code(ctx)
        owner = document_owner(application, rule)
        reusable = on_file.get((code, owner.get("owner_user_id"), owner.get("owner_enterprise_id")))
        # A document uploaded for this very application is "attached", not "on file".
        attachment = attached.get(rule.key)
        if attachment is not None and reusable is not None and attachment.document_id == reusable.pk:
            reusable = None
        result.append(Requirement(rule=rule, doc_type=types[code], attached=attachment, on_file=reusable))
    return result
