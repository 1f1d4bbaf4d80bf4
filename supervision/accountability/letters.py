"""The 督办函 of an accountability case as a PDF: rendered from a template in Chinese, with the
Noto CJK faces the credit reports use, by the same WeasyPrint call (`inquiry.reports.rendering`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from inquiry.reports.rendering import render_pdf

from .models import AccountabilityCase

TEMPLATE = "supervision/accountability/pdf/letter.html"
# 市经济和信息化部门 of the 2015 Measures; today's 市工业和信息化局.
COMMISSION_NAME = "南通市工业和信息化局"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_context(case: AccountabilityCase, *, number: str, issued_at: dt.datetime, due_on: dt.date) -> dict:
    evidence = case.evidence
    return {
        "case": case,
        "number": number,
        "provider_name": case.provider.name,
        "commission": COMMISSION_NAME,
        "center_name": settings.CENTER_NAME,
        "site_name": settings.SITE_NAME,
        "issued_on": cn_date(timezone.localdate(issued_at)),
        "due_on": cn_date(due_on),
        "period_from": cn_date(case.period_from),
        "period_to": cn_date(case.period_to),
        "grounds": case.ground_labels,
        "late": evidence.get("late_records", {}),
        "late_more": _more(evidence.get("late_records", {})),
        "corrections": evidence.get("corrections", {}),
        "missed": evidence.get("missed_deadlines", {}),
        "suspended": evidence.get("suspended_records", {}),
        "compliance": evidence.get("compliance", {}).get("totals", {}),
        "silent_items": evidence.get("silent_items", []),
        "gathered_at": timezone.localtime(case.evidence_gathered_at),
    }


def render_letter(case: AccountabilityCase, *, number: str, issued_at: dt.datetime, due_on: dt.date) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(TEMPLATE, letter_context(case, number=number, issued_at=issued_at, due_on=due_on))
    return render_pdf(html).content


def _more(part: dict) -> int:
    return max(0, int(part.get("total") or 0) - len(part.get("rows") or []))
