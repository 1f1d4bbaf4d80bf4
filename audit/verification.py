"""Checking the audit chain: does every stored event still match the hash written with it?

`verify_chain()` walks the events in id order, which is chain order because appends are
serialised by the lock on the chain head. It streams the table (constant memory over millions
of rows) and stops at the first problem, since every later link depends on the broken one.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditChainHead, AuditEvent
from .services import GENESIS_HASH, HEAD_PK, event_hash

DEFAULT_CHUNK_SIZE = 2000


class Problem(models.TextChoices):
    """What is wrong, as a stable English code (for scripts and logs) with a Chinese label."""

    CONTENT_CHANGED = "content_changed", gettext_lazy("记录被修改")
    PREDECESSOR_BROKEN = "predecessor_broken", gettext_lazy("前序事件缺失或被改动")
    TAIL_MISSING = "tail_missing", gettext_lazy("最新事件被删除")
    TAIL_REPLACED = "tail_replaced", gettext_lazy("最新事件被替换")
    UNREGISTERED_TAIL = "unregistered_tail", gettext_lazy("末端之后存在未登记的事件")
    HEAD_MISSING = "head_missing", gettext_lazy("审计链末端记录缺失")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_event_id: int | None
    problem: str | None = None
    broken_event_id: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}

    def __str__(self) -> str:
        """One line for logs and the command: the Chinese message with the English code."""
        if self.ok:
            return self.message
        return f"{self.message} [{self.problem}, event {self.broken_event_id}]"


def verify_chain(
    *, chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Recompute every event's hash and link; name the first event where the chain breaks.

    The chain head is read before the walk. Events appended while the walk runs are checked
    too; the head read again afterwards must then cover every event seen, otherwise rows were
    appended behind the platform's back.
    """
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    expected_prev = GENESIS_HASH
    checked = 0
    last: AuditEvent | None = None
    head_event_seen = head is None or head.last_event_id is None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        problem = _link_problem(event, expected_prev)
        if problem:
            return ChainReport(checked, last.pk if last else None, *problem)
        if head is not None and event.pk == head.last_event_id:
            if event.hash != head.last_hash:
                return _tail_report(Problem.TAIL_REPLACED, checked + 1, event, head)
            head_event_seen = True
        expected_prev, last, checked = event.hash, event, checked + 1
        if progress and checked % chunk_size == 0:
            progress(checked)
    return _ending_report(checked, last, head, head_event_seen)


def _link_problem(event: AuditEvent, expected_prev: str) -> tuple[str, int, str] | None:
    # The content first: an edited prev_hash is an edit of this row, not of its predecessor.
    if event_hash(event) != event.hash:
        return Problem.CONTENT_CHANGED, event.pk, _("事件 #%(id)s 的内容与其哈希不符（记录被修改）") % {"id": event.pk}
    if event.prev_hash != expected_prev:
        return (
            Problem.PREDECESSOR_BROKEN, event.pk,
            _("事件 #%(id)s 之前的事件缺失或被改动（前序哈希不符）") % {"id": event.pk},
        )
    return None


def _ending_report(
    checked: int, last: AuditEvent | None, head: AuditChainHead | None, head_event_seen: bool,
) -> ChainReport:
    last_id = last.pk if last else None
    if not head_event_seen:
        return _tail_report(Problem.TAIL_MISSING, checked, last, head)
    if last is not None:
        # Re-read: events appended during the walk moved the head on, legitimately.
        head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
        if head is None:
            return ChainReport(checked, last_id, Problem.HEAD_MISSING, last_id,
                               _("审计链末端记录缺失，无法确认最新事件是否完整"))
        if head.last_event_id is None or last.pk > head.last_event_id:
            return _tail_report(Problem.UNREGISTERED_TAIL, checked, last, head)
    return ChainReport(checked, last_id, message=_("已核验 %(count)s 个审计事件，审计链完整。") % {"count": checked})


def _tail_report(problem: str, checked: int, last: AuditEvent | None, head: AuditChainHead) -> ChainReport:
    last_id = last.pk if last else None
    messages = {
        Problem.TAIL_MISSING: _(
            "审计链末端与最后一个事件不符（最新事件被删除）：末端登记为事件 #%(head)s，现存最后一个事件为 %(last)s"
        ),
        Problem.TAIL_REPLACED: _("审计链末端与最后一个事件不符（最新事件被替换）：事件 #%(head)s 的哈希与末端登记不符"),
        Problem.UNREGISTERED_TAIL: _(
            "审计链末端与最后一个事件不符（末端之后存在未登记的事件）：末端登记为事件 #%(head)s，现存最后一个事件为 %(last)s"
        ),
    }
    message = messages[problem] % {
        "head": head.last_event_id, "last": f"#{last_id}" if last_id else _("（无）"),
    }
    broken = head.last_event_id if problem != Problem.UNREGISTERED_TAIL else _first_unregistered(head)
    return ChainReport(checked, last_id, problem, broken, message)


def _first_unregistered(head: AuditChainHead) -> int | None:
    newer = AuditEvent.objects.order_by("id")
    if head.last_event_id is not None:
        newer = newer.filter(pk__gt=head.last_event_id)
    return newer.values_list("pk", flat=True).first()
