"""Shared by the pull tests: a source of 市场监管局 reading the loopback department server."""

import datetime as dt

import pytest
from django.utils import timezone

from collection.pull.models import PullSource
from collection.pull.services import save_pull_source

from .factories import make_uscc
from .pull_server import DepartmentServer

TOKEN = "Bearer s3cret-token-of-the-penalty-system"
MAPPING = {
    "_source_key": "case_id",
    "_subject_kind": "kind",
    "_subject_name": "name",
    "_subject_identifier": "code",
}
FIRST, SECOND, LATER = "2026-05-07T09:00:00+08:00", "2026-05-07T10:00:00+08:00", "2026-05-07T11:00:00+08:00"


def decided(days_ago: int = 5) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def row(number: int, **changes) -> dict:
    return {
        "case_id": f"通市监罚〔2026〕{number}号",
        "kind": "法人及非法人组织",
        "name": f"南通示例{number}有限公司",
        "code": make_uscc(f"91320602MA1XYW{number:03d}"),
        "decision_no": f"通市监罚〔2026〕{number}号",
        "penalty_type": ["罚款"],
        "penalty_amount": 2.5,
        "decision_date": decided(),
        **changes,
    }


@pytest.fixture
def department(settings):
    """The department's server, its host allowed by the operator (as PULL_ALLOWED_HOSTS does)."""
    settings.PULL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PULL_TIMEOUT_SECONDS = 5
    with DepartmentServer() as server:
        yield server


def make_source(provider, url: str, *, fmt: str = "json", mapping: dict | None = None, actor=None) -> PullSource:
    return save_pull_source(
        provider=provider,
        values={
            "name": "行政处罚办案系统",
            "item_code": "admin_penalty",
            "url": url,
            "format": fmt,
            "token_header": "Authorization",
            "mapping": MAPPING if mapping is None else mapping,
            "interval_minutes": 60,
            "enabled": True,
        },
        token=TOKEN,
        actor=actor,
    )
