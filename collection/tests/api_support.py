"""Helpers shared by the provider API tests (test_api_*.py)."""

import json

from audit.models import AuditEvent
from collection.models import CreditRecord, RecordRevision, Subject
from collection.services.tokens import create_api_token

from .factories import make_ric, make_uscc

RECORDS_URL = "/api/v1/records/"
BATCH_URL = "/api/v1/records/batch/"
REVOKE_URL = "/api/v1/records/revoke/"

COMPANY = make_uscc("91320602MA1XYW0A1")
PERSON_ID = make_ric("32060219800101123")


def company(**extra) -> dict:
    return {"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": COMPANY, **extra}


def person(**extra) -> dict:
    return {"kind": "natural_person", "name": "张伟", "identifier": PERSON_ID, **extra}


def penalty_body(key: str = "通市监罚〔2026〕12号", *, subject: dict | None = None, **data) -> dict:
    return {
        "item": "admin_penalty",
        "source_key": key,
        "subject": subject or company(),
        "data": {
            "decision_no": key,
            "penalty_type": "罚款",
            "penalty_amount": "2.5",
            "decision_date": "2026-05-06",
            **data,
        },
    }


def stored() -> tuple[int, int, int, int]:
    """What a refused request must leave as it was: records, revisions, subjects, audit events
    (other than the key's own)."""
    return (
        CreditRecord.objects.count(),
        RecordRevision.objects.count(),
        Subject.objects.count(),
        AuditEvent.objects.exclude(action__startswith="apitoken.").count(),
    )


def new_key(provider, name: str = "行政处罚办案系统") -> str:
    return create_api_token(provider=provider, name=name)[1]


class Api:
    """A department's system talking to the API with one key."""

    def __init__(self, client, key: str | None):
        self.client = client
        self.key = key

    def headers(self) -> dict:
        return {"Authorization": f"Token {self.key}"} if self.key else {}

    def post(self, url: str, body, *, raw: bool = False, content_type: str = "application/json"):
        payload = body if raw else json.dumps(body, ensure_ascii=False)
        return self.client.post(url, payload, content_type=content_type, headers=self.headers())

    def submit(self, body):
        return self.post(RECORDS_URL, body)

    def batch(self, records: list):
        return self.post(BATCH_URL, {"records": records})

    def revoke(self, item: str, source_key: str, reason: str = "原处罚决定被撤销"):
        return self.post(REVOKE_URL, {"item": item, "source_key": source_key, "reason": reason})

    def get(self, url: str):
        return self.client.get(url, headers=self.headers())
