"""The rows written before logs stored codes: the data migrations turn the sentences the
services used to write (in Chinese, or in English when staff used the English interface) into
codes and data, and keep what people typed as typed."""

import importlib

import pytest

from portal.core.msgids import english_to_source

order_log = importlib.import_module("utility_flows.migrations.0003_declared_flows_and_log_data")
application_history = importlib.import_module("applications.migrations.0006_application_history_guard")


@pytest.fixture(scope="module")
def sources():
    return english_to_source()


@pytest.mark.parametrize(
    ("name", "old", "comment", "data"),
    [
        ("accept", "分派给客户经理 王芳", "", {"notes": [{"code": "assigned", "role": "客户经理", "name": "王芳"}]}),
        (
            "accept",
            "Assigned to Account manager 王芳",
            "",
            {"notes": [{"code": "assigned", "role": "客户经理", "name": "王芳"}]},
        ),
        (
            "reassign",
            "王芳 → 刘洋：王芳休假",
            "王芳休假",
            {"notes": [{"code": "reassigned", "old": "王芳", "new": "刘洋"}]},
        ),
        (
            "reassign",
            "王芳 → 刘洋: on leave",
            "on leave",
            {"notes": [{"code": "reassigned", "old": "王芳", "new": "刘洋"}]},
        ),
        (
            "archive",
            "新户号 6390000012 已立户并绑定到客户",
            "",
            {"notes": [{"code": "account_opened", "number": "6390000012"}]},
        ),
        (
            "execute",
            "已核实；Account details changed, effective 2026-11-26",
            "已核实",
            {"notes": [{"code": "changes_applied", "date": "2026-11-26"}]},
        ),
        ("contact", "已电话联系，约定明天上午上门", "已电话联系，约定明天上午上门", {}),
    ],
)
def test_old_order_log_sentences_become_codes_and_typed_text_stays(sources, name, old, comment, data):
    assert order_log._convert(name, old, sources) == (comment, data)


@pytest.mark.parametrize(
    ("old", "note", "reason"),
    [
        ("客户提交申请", "客户提交申请", ""),
        ("Returned for correction：照片模糊", "退回补正", "照片模糊"),
        ("退回补正：照片模糊", "退回补正", "照片模糊"),
        ("Work order archived, service completed", "工单归档，业务办结", ""),
        ("某条无法识别的说明", "某条无法识别的说明", ""),
    ],
)
def test_old_application_notes_become_codes_and_reasons(sources, old, note, reason):
    assert application_history._split(old, sources) == (note, reason)
