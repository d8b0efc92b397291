"""The declarations as a whole: every row of SPEC 3 once, every document rule pointing at a
document type that exists, and the shared street field."""

import pytest

from applications.catalog import registry
from applications.catalog.base import CONFIRM_STEP, DOCUMENTS_STEP, Trips
from applications.catalog.forms import SUBJECT_PROOF_CODES, StreetChoiceField
from portal.documents.models import DocumentType

pytestmark = pytest.mark.django_db


def test_the_eighteen_rows_of_spec_3_are_declared_once_in_order():
    businesses = registry.all_businesses()
    assert [b.row for b in businesses] == list(range(1, 19))
    assert len({b.code for b in businesses}) == 18
    for business in businesses:
        assert business.step_keys[-2:] == [DOCUMENTS_STEP, CONFIRM_STEP]
        assert business.notice and business.notice_title.startswith("《"), business.code
        assert business.needs_account or business.is_new_connection, business.code


def test_every_document_rule_names_a_document_type_that_exists():
    known = set(DocumentType.objects.values_list("code", flat=True))
    for business in registry.all_businesses():
        for rule in business.documents:
            if callable(rule.doc_type):
                assert set(SUBJECT_PROOF_CODES) <= known
            else:
                assert rule.doc_type in known, f"{business.code}.{rule.key}: {rule.doc_type}"


def test_documents_of_someone_else_are_never_reused_as_the_applicants_own():
    types = {t.code: t for t in DocumentType.objects.filter(code__startswith="other_person_")}
    assert set(types) == {"other_person_id_front", "other_person_id_back"}
    assert not any(t.reusable for t in types.values())


def test_rename_transfer_is_one_declaration_for_both_voltages():
    business = registry.get("rename_transfer")
    assert business.voltage == "LV/HV" and business.trips == Trips.ZERO_LV_ONE_HV
    assert str(business.trips_label) == "低压一次都不跑，高压最多跑一次"


def test_the_street_field_queries_only_when_it_renders_and_groups_streets_by_district(django_assert_num_queries):
    # Built at import time inside form classes: a query there breaks `migrate` on a new database.
    with django_assert_num_queries(0):
        field = StreetChoiceField()
    html = field.widget.render("street", None)
    assert '<optgroup label="城东区">' in html and "八一路街道" in html
