"""Every declared date field uses the one ISO date widget (issue 11: a pre-filled date in the
locale's format, 2027/02/05, is dropped by Chromium and the form comes back "required")."""

import datetime as dt
import importlib
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings

from nantong_credit.forms import DateInput, MonthInput

SKIPPED_PARTS = {"tests", "migrations", "management", "admin"}  # admin: imported once by Django


def _project_packages() -> set[str]:
    """The project's own apps (not Django's or third parties')."""
    root = Path(settings.BASE_DIR).resolve()
    return {config.module.__name__ for config in apps.get_app_configs() if root in Path(config.path).resolve().parents}


def _import_project_modules() -> None:
    for package in _project_packages():
        path = Path(importlib.import_module(package).__file__).parent
        for module in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
            if SKIPPED_PARTS.isdisjoint(module.name.split(".")):
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_date_field_of_every_form_uses_the_iso_date_widget():
    _import_project_modules()
    packages = _project_packages()
    offenders = []
    forms_seen = 0
    for form in set(_subclasses(forms.BaseForm)):
        if form.__module__.split(".")[0] not in packages:
            continue
        forms_seen += 1
        for name, field in getattr(form, "base_fields", {}).items():
            # A hidden date renders str(date), which is ISO already.
            if isinstance(field, forms.DateField) and not isinstance(
                field.widget, (DateInput, MonthInput, forms.HiddenInput)
            ):
                offenders.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert forms_seen > 30 and offenders == []


def test_the_widget_renders_an_iso_value_whatever_the_language():
    html = DateInput().render("d", dt.date(2027, 2, 5))
    assert 'type="date"' in html and 'value="2027-02-05"' in html


def test_the_month_widget_renders_an_iso_month_whatever_the_language():
    html = MonthInput().render("m", dt.date(2026, 11, 1))
    assert 'type="month"' in html and 'value="2026-11"' in html
