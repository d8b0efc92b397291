"""PDFs of an application, rendered by a worker (portal.documents.services.request_pdf):
the application form (登记表 / 申请单), the commitment letter of deferred documents (承诺书),
and the high-voltage-under-160-kW statement kept as evidence (seed 002)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import AbnormalFlag, Application, ApplicationDocument, Identity
from applications.requirements import requirements_for
from applications.summary import summarize
from portal.documents.services import request_pdf


def form_title(application: Application) -> str:
    business = application.business
    if business.is_new_connection and business.customer_kind == "resident":
        return _("低压居民生活用电登记表")
    if business.is_new_connection or business.flow == "hv_eassistant" and not application.service_account_id:
        return _("用电登记表")
    if business.capacity_is_increase:
        return _("增容申请表")
    return _("变更用电申请单")


def _owner(application: Application) -> dict:
    if application.enterprise_id:
        return {"owner_enterprise": application.enterprise}
    return {"owner_user": application.applicant}


def request_application_pdfs(application: Application) -> None:
    """Inside the submit transaction: queue the form, and the letter / statement where due."""
    context = {"application_id": application.pk}
    request_pdf(
        template_name="pdf/application_form.html",
        context=context,
        doc_type="application_form",
        context_builder="applications.pdf.application_form_context",
        name=f"{form_title(application)} {application.number}",
        **_owner(application),
        on_done="applications.pdf.attach_form",
        on_done_kwargs=context,
    )
    if application.documents.filter(how=ApplicationDocument.How.DEFERRED).exists():
        request_pdf(
            template_name="pdf/commitment_letter.html",
            context=context,
            doc_type="commitment_letter",
            context_builder="applications.pdf.commitment_context",
            name=f"{_('承诺书')} {application.number}",
            **_owner(application),
            on_done="applications.pdf.attach_commitment",
            on_done_kwargs=context,
        )
    if application.flags.filter(kind=AbnormalFlag.Kind.HV_UNDER_160).exists():
        request_pdf(
            template_name="pdf/hv_statement.html",
            context=context,
            doc_type="hv_statement",
            context_builder="applications.pdf.hv_statement_context",
            name=f"{_('高压供电申请说明')} {application.number}",
            **_owner(application),
            on_done="applications.pdf.attach_hv_statement",
            on_done_kwargs=context,
        )


def _base_context(application: Application) -> dict:
    applicant = application.applicant
    return {
        "application": application,
        "business": application.business,
        "applicant": applicant,
        "identity": Identity(application.identity).label if application.identity else "",
        "signature": application.signature,
        "submitted_on": timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
        if application.submitted_at
        else "",
        "document_number": application.number,
    }


def application_form_context(*, application_id: int) -> dict:
    application = Application.objects.select_related(
        "applicant", "enterprise", "service_account", "region__parent", "signature"
    ).get(pk=application_id)
    return {
        **_base_context(application),
        "title": form_title(application),
        "sections": summarize(application),
        "requirements": requirements_for(application),
    }


def commitment_context(*, application_id: int) -> dict:
    application = Application.objects.select_related("applicant", "enterprise", "signature").get(pk=application_id)
    deferred = [r for r in requirements_for(application) if r.state == ApplicationDocument.How.DEFERRED]
    return {**_base_context(application), "title": _("承诺书"), "deferred": deferred}


def hv_statement_context(*, application_id: int) -> dict:
    application = Application.objects.select_related("applicant", "enterprise", "signature").get(pk=application_id)
    return {**_base_context(application), "title": _("高压供电申请说明"), "capacity": application.capacity}


def attach_form(*, render, document, application_id: int) -> None:
    Application.objects.filter(pk=application_id).update(form_document=document)


def attach_commitment(*, render, document, application_id: int) -> None:
    Application.objects.filter(pk=application_id).update(commitment_letter=document)


def attach_hv_statement(*, render, document, application_id: int) -> None:
    with transaction.atomic():
        AbnormalFlag.objects.filter(application_id=application_id, kind=AbnormalFlag.Kind.HV_UNDER_160).update(
            evidence=document
        )
