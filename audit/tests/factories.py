"""Audit events are only ever written through `record_event`, so the factory goes through it."""

import factory
from django.db import transaction

from audit.models import AuditEvent
from audit.services import record_event


class AuditEventFactory(factory.Factory):
    class Meta:
        model = AuditEvent

    action = factory.Iterator(["catalog.publish", "collection.submit_record", "inquiry.query"])
    actor = None
    object_type = "catalog.catalogversion"
    object_id = factory.Sequence(lambda n: str(n + 1))
    summary = factory.Sequence(lambda n: f"发布目录第 {n + 1} 版")
    before = None
    after = factory.Sequence(lambda n: {"版本": n + 1, "状态": "已发布"})
    ip_address = "10.32.6.15"

    @classmethod
    def _create(cls, model_class, **kwargs) -> AuditEvent:
        with transaction.atomic():
            return record_event(**kwargs)


def make_chain(length: int, **kwargs) -> list[AuditEvent]:
    return [AuditEventFactory(**kwargs) for _ in range(length)]
