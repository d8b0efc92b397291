"""Which staff read a customer's files: those whose role handles the business of the application
the files belong to (an inspector reads the files of pause / reduction / restore applications,
not every customer's ID card). Registered with ``portal.documents.access`` at start-up."""

from django.db.models import Q

from portal.documents.access import register_access_rule


def _handled_business_codes(user) -> list[str]:
    from applications.catalog import registry

    roles = set(user.groups.values_list("name", flat=True))
    return [business.code for business in registry.all_businesses() if business.handler_role in roles]


def handlers_read_their_applications_files(user, document) -> bool:
    from applications.models import Application, ApplicationDocument

    if not (user.is_staff and user.has_perm("documents.view_document")):
        return False
    codes = _handled_business_codes(user)
    if not codes:
        return False
    attached = ApplicationDocument.objects.filter(document=document, application__business_code__in=codes)
    generated = Application.objects.filter(
        Q(form_document=document) | Q(signature=document) | Q(commitment_letter=document), business_code__in=codes
    )
    return attached.exists() or generated.exists()


def register_document_rules() -> None:
    register_access_rule(handlers_read_their_applications_files)
