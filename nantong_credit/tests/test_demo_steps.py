"""The demo steps the apps register (`nantong_credit.demo.loader`): seed_demo runs each after the
steps it names, whatever order the apps were loaded in."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from nantong_credit.demo import loader


def test_the_apps_steps_run_after_what_they_need():
    names = [step.name for step in loader.ordered_steps()]

    assert names == [
        "admin",
        "providers",
        "accounts",
        "schemes",
        "catalog",
        "catalog_special",
        "catalog_lists",
        "credit_domains",
        "subjects",
        "records",
        "binding",
        "service_window",
        "cast",
        "pull",
        "commitments",
        "authorizations",
        "record history",
        "agencies",
        "follows",
        "objections",
        "paper objection",
        "closed objection",
        "repair",
        "accountability",
        "scorecards",
        "statistics",
    ]
    for step in loader.ordered_steps():
        assert all(names.index(before) < names.index(step.name) for before in step.after)
        assert callable(import_string(step.ensure))


def test_a_step_registered_before_what_it_needs_still_runs_after_it(monkeypatch):
    monkeypatch.setattr(loader, "_STEPS", {})
    loader.register_demo("cases", "x.cases", after=("records",))
    loader.register_demo("records", "x.records", after=("accounts",))
    loader.register_demo("accounts", "x.accounts")

    assert [step.name for step in loader.ordered_steps()] == ["accounts", "records", "cases"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ({"a": ("b",), "b": ("a",)}, "wait for each other"),
        ({"a": ("missing",)}, "nobody registered"),
    ],
)
def test_steps_that_can_never_run_stop_the_seed(monkeypatch, steps, message):
    monkeypatch.setattr(loader, "_STEPS", {})
    for name, after in steps.items():
        loader.register_demo(name, f"x.{name}", after=after)

    with pytest.raises(ImproperlyConfigured, match=message):
        loader.ordered_steps()
