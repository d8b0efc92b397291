"""Applicant identity (申请人身份) is derived, not asked, wherever possible (SPEC 2): the
real-name identity is compared with the account holder and the enterprise data."""

from __future__ import annotations

from dataclasses import dataclass

from applications.models import Identity
from portal.accounts.models import Enterprise, EnterpriseRelation


@dataclass(frozen=True)
class DerivedIdentity:
    identity: str
    decided: bool  # False: the user picks (agent is the default)
    enterprise: Enterprise | None = None


def _same_person(user, name: str, id_number: str) -> bool:
    return bool(
        user.is_real_name_verified
        and user.id_number
        and user.id_number.upper() == (id_number or "").upper()
        and (not name or user.name == name)
    )


def enterprise_identity(user, enterprise: Enterprise) -> str:
    relation = user.memberships.filter(enterprise=enterprise).values_list("relation", flat=True).first()
    if relation == EnterpriseRelation.LEGAL_REPRESENTATIVE or _same_person(
        user, enterprise.legal_rep_name, enterprise.legal_rep_id_number
    ):
        return Identity.LEGAL_REPRESENTATIVE
    return Identity.AGENT


def derive_identity(*, application, user) -> DerivedIdentity:
    business = application.business
    account = application.service_account
    enterprise = account.holder_enterprise if account is not None else application.enterprise
    if enterprise is not None:
        return DerivedIdentity(enterprise_identity(user, enterprise), True, enterprise)
    if business.fixed_identity:
        return DerivedIdentity(business.fixed_identity, True)
    if account is not None and _same_person(user, "", account.holder_id_number):
        return DerivedIdentity(Identity.OWNER, True)
    return DerivedIdentity(Identity.AGENT, False)
