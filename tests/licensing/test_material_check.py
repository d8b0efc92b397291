"""资料提交: the material check at every level boundary of both schemes — the minimum passes,
one person short (in each count) fails and says what is missing."""

import pytest

from licensing import services
from licensing.models import LicenceLevel
from tests.licensing.helpers import (
    activate,
    add_staff,
    fill_everything_but_staff,
    fill_staff_for,
    make_firm,
    start_new,
)

LEVELS = [("2020", rank) for rank in range(1, 6)] + [("2025", rank) for rank in range(1, 4)]


def _application_at(scheme, rank):
    activate(scheme)
    lv = LicenceLevel.objects.get(scheme__code=scheme, rank=rank)
    firm = make_firm()
    application = start_new(firm, {"install": lv})
    fill_everything_but_staff(application)
    return firm, application, lv


@pytest.mark.parametrize(("scheme", "rank"), LEVELS)
def test_the_minimum_staff_of_a_level_passes(db, scheme, rank):
    firm, application, lv = _application_at(scheme, rank)
    fill_staff_for(firm, lv)
    assert services.material_problems(application) == []


@pytest.mark.parametrize(("scheme", "rank"), LEVELS)
@pytest.mark.parametrize("short", ["technical", "senior", "skilled", "electricians"])
def test_one_person_short_fails_and_says_how_many_are_missing(db, scheme, rank, short):
    firm, application, lv = _application_at(scheme, rank)
    counts = {
        "technical": lv.tech_staff_min,
        "senior": lv.tech_senior_min,
        "skilled": lv.skilled_min,
        "electricians": lv.electrician_min,
    }
    if counts[short] == 0:
        # This level asks for none of them: having none must not be counted against the firm.
        add_staff(firm, **counts)
        assert services.material_problems(application) == []
        return
    counts[short] -= 1
    if short == "technical" and counts["senior"] > counts["technical"]:
        counts["senior"] = counts["technical"]
    if short == "skilled" and counts["electricians"] > counts["skilled"]:
        counts["electricians"] = counts["skilled"]
    add_staff(firm, **counts)
    problems = services.material_problems(application)
    assert any("还差 1 人" in p for p in problems), problems
    assert len(problems) == 1 if short in ("senior", "electricians") else len(problems) >= 1


def test_the_2020_minimums_are_those_of_the_rules(db):
    got = [
        (lv.tech_staff_min, lv.tech_senior_min, lv.skilled_min, lv.electrician_min)
        for lv in LicenceLevel.objects.filter(scheme__code="2020").order_by("rank")
    ]
    assert got == [(50, 30, 60, 30), (30, 15, 30, 15), (15, 5, 20, 10), (10, 0, 15, 8), (5, 0, 5, 3)]
    assert LicenceLevel.objects.filter(scheme__code="2025").count() == 3


@pytest.mark.parametrize(
    ("scheme", "rank"),
    [lv for lv in LEVELS if not (lv[0] == "2020" and lv[1] > 3) and not (lv[0] == "2025" and lv[1] > 2)],
)
def test_achievements_are_required_from_level_3_up_and_counted_per_category(db, scheme, rank):
    firm, application, lv = _application_at(scheme, rank)
    fill_staff_for(firm, lv)
    application.achievements.first().delete()
    problems = services.material_problems(application)
    assert len(problems) == 1 and "承装" in problems[0] and "业绩" in problems[0]


def test_a_level_4_or_5_needs_no_achievements_and_every_missing_item_is_listed(db):
    firm = make_firm()
    application = start_new(firm, {"install": LicenceLevel.objects.get(scheme__code="2020", rank=5)})
    problems = services.material_problems(application)
    assert not any("业绩" in p for p in problems)
    for words in (
        "电力相关技术人员 0 人",
        "电力相关专业技能人员 0 人",
        "未填写技术负责人",
        "未填写安全负责人",
        "未填写股权结构",
        "未上传附件：法定代表人声明",
    ):
        assert any(words in p for p in problems), (words, problems)


def test_submission_is_blocked_until_the_check_passes(db):
    firm = make_firm()
    lv = LicenceLevel.objects.get(scheme__code="2020", rank=5)
    application = start_new(firm, {"install": lv})
    fill_everything_but_staff(application)
    add_staff(firm, technical=5, skilled=5, electricians=2)
    with pytest.raises(services.DomainError) as exc:
        services.submit(application=application, by=application.created_by)
    assert "其中高压电工 2 人" in exc.value.message
    add_staff(firm, skilled=1, electricians=1)
    services.submit(application=application, by=application.created_by)
    application.refresh_from_db()
    assert application.state == "submitted" and application.number.startswith("XK")
