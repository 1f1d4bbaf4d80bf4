"""The audit trail in plain Chinese (issue 16 §6): every action the code writes has a label, the
event list shows labels and object names instead of codes, and is filtered by choosing them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from audit.services import record_event
from audit.vocabulary import action_choices, action_label, object_type_choices, object_type_label

ROOT = Path(settings.BASE_DIR)
APPS = ("nantong_credit", "audit", "catalog", "collection", "inquiry", "objections", "repair", "supervision")
# `action="record.correct"`, `action="a.create" if creating else "a.change"`, `event="x.y"`.
ACTION_LINE = re.compile(r"\b(?:action|event)=(.*)")
CODE = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")
WORKFLOWS = ("objections.workflow", "repair.workflow", "inquiry.reports.workflow")


def actions_written_by_the_code() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for line in ACTION_LINE.findall(path.read_text(encoding="utf-8")):
                found |= set(CODE.findall(line))
    return found


def import_every_workflow() -> None:
    """Case workflows label their steps when their module loads (in a running site, through the
    URL configuration's views)."""
    from importlib import import_module

    for path in ROOT.glob("*/**/workflow.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in APPS and "tests" not in relative.parts:
            import_module(".".join(relative.with_suffix("").parts))


def test_every_action_the_code_writes_has_a_label():
    import_every_workflow()
    actions = actions_written_by_the_code()
    assert len(actions) > 50
    assert sorted(code for code in actions if action_label(code) == code) == []


@pytest.mark.parametrize("module", WORKFLOWS)
def test_every_step_of_a_case_workflow_is_labelled_by_the_workflow(module):
    from importlib import import_module

    workflow = import_module(module).WORKFLOW
    for action, step in workflow.transitions.items():
        assert action_label(workflow.event(action)) == str(step.label)
        assert re.search(r"[\u4e00-\u9fff]", str(step.label)), (module, action)


def test_object_types_are_named_by_their_models():
    assert object_type_label("collection.creditrecord") == "信用记录"
    assert object_type_label("objections.objection") == "异议申请" or "异议" in object_type_label(
        "objections.objection"
    )
    assert object_type_label("no.such") == "no.such"
    assert ("collection.creditrecord", "信用记录") in object_type_choices()


@pytest.fixture
def events(catalog_admin, db):
    with transaction.atomic():
        record_event(action="record.correct", actor=catalog_admin, object_type="collection.creditrecord", object_id="7")
        record_event(action="catalog.publish", actor=catalog_admin, object_type="catalog.catalogversion", object_id="3")


def test_the_event_list_speaks_chinese(client, auditor, events):
    client.force_login(auditor)
    page = client.get(reverse("audit:events")).content.decode()
    assert "更正信用记录" in page and "信用记录 #7" in page and "发布目录" in page
    assert '<option value="record.correct">更正信用记录</option>' in page
    assert "datalist" not in page


def test_filtering_by_a_chosen_action(client, auditor, events):
    client.force_login(auditor)
    page = client.get(reverse("audit:events"), {"action": "record.correct"}).content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "更正信用记录" in rows and "发布目录" not in rows


def test_an_unknown_action_code_is_an_error_not_an_empty_result(client, auditor, events):
    client.force_login(auditor)
    page = client.get(reverse("audit:events"), {"action": "no.such"}).content.decode()
    assert "不是可用的选项" in page or "选择一个有效的选项" in page
    assert "发布目录" in page  # an invalid filter filters nothing


def test_choices_are_sorted_by_label():
    labels = [label for _, label in action_choices()]
    assert labels == sorted(labels)
