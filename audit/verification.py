"""Checking the audit chain: does every stored event still match the hash written with it?

`verify_chain()` walks the events in id order, which is chain order because appends are
serialised by the lock on the chain head. It streams the table (constant memory over millions
of rows) and stops at the first problem, since every later link depends on the broken one.
Each event's HMAC is recomputed under the key it names; a plain SHA-256 is accepted only up to
the switch point that the chain head records under its seal. The chain is then held against
the newest signed checkpoints kept outside the database (`audit.checkpoints`): they catch what
nothing inside the database can, the newest events removed together with the head moved back.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .checkpoints import Checkpoint, CheckpointForged, newest_checkpoints
from .keys import chain_keys
from .models import AuditChainHead, AuditEvent
from .services import GENESIS_HASH, HEAD_PK, event_hash, switch_point_sealed

DEFAULT_CHUNK_SIZE = 2000


class Problem(models.TextChoices):
    """What is wrong, as a stable English code (for scripts and logs) with a Chinese label."""

    CONTENT_CHANGED = "content_changed", gettext_lazy("记录被修改")
    PREDECESSOR_BROKEN = "predecessor_broken", gettext_lazy("前序事件缺失或被改动")
    UNKEYED = "unkeyed", gettext_lazy("事件未以密钥计算哈希")
    UNKNOWN_KEY = "unknown_key", gettext_lazy("事件的密钥未配置")
    TAIL_MISSING = "tail_missing", gettext_lazy("最新事件被删除")
    TAIL_REPLACED = "tail_replaced", gettext_lazy("最新事件被替换")
    UNREGISTERED_TAIL = "unregistered_tail", gettext_lazy("末端之后存在未登记的事件")
    HEAD_MISSING = "head_missing", gettext_lazy("审计链末端记录缺失")
    HEAD_TAMPERED = "head_tampered", gettext_lazy("审计链末端记录被改动")
    CHECKPOINT_SHORT = "checkpoint_short", gettext_lazy("事件少于外部锚点所记")
    CHECKPOINT_MISMATCH = "checkpoint_mismatch", gettext_lazy("事件与外部锚点不符")
    CHECKPOINT_FORGED = "checkpoint_forged", gettext_lazy("外部锚点无效")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_event_id: int | None
    problem: str | None = None
    broken_event_id: int | None = None
    message: str = ""
    last_hash: str = ""
    anchored: int = 0  # checkpoints the chain was held against

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
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    anchors: Sequence[Checkpoint] | None = None,
    since: Checkpoint | None = None,
) -> ChainReport:
    """Recompute every event's hash and link; name the first event where the chain breaks.

    `anchors` are the checkpoints to hold the chain against, by default the newest ones. They
    are read before the head and the events, so that none can count events the walk cannot
    see. With `since`, only the events after that checkpoint are walked (a new checkpoint's
    check). Events appended while the walk runs are checked too; the head read again
    afterwards must then cover every event seen, otherwise rows were appended behind the
    platform's back.
    """
    if anchors is None:
        try:
            anchors = newest_checkpoints()
        except CheckpointForged as forged:
            message = _(
                "外部锚点 %(name)s 无法以 AUDIT_CHAIN_KEY 中的密钥核验（锚点被伪造、损坏，或其密钥已被移除）"
            ) % {"name": forged.name}
            return ChainReport(0, None, Problem.CHECKPOINT_FORGED, None, message)
    walk = _Walk(AuditChainHead.objects.filter(pk=HEAD_PK).first(), anchors, since)
    problem = walk.start()
    if problem:
        return problem
    events = AuditEvent.objects.order_by("id")
    if since is not None:
        events = events.filter(pk__gt=since.last_event_id)
    for event in events.iterator(chunk_size=chunk_size):
        problem = walk.step(event)
        if problem:
            return problem
        if progress and walk.checked % chunk_size == 0:
            progress(walk.checked)
    return walk.end()


class _Walk:
    """One walk along the chain: what the events seen so far promise about the next one."""

    def __init__(self, head: AuditChainHead | None, anchors: Sequence[Checkpoint], since: Checkpoint | None):
        self.head, self.since, self.keys = head, since, chain_keys()
        self.anchors: dict[int, Checkpoint] = {}
        for anchor in anchors:  # newest first: of two at one position, the newer is held against
            self.anchors.setdefault(anchor.count, anchor)
        self.legacy_until = head.legacy_until_id if head else None
        self.expected_prev = since.head_hash if since else GENESIS_HASH
        self.checked = since.count if since else 0
        self.last: AuditEvent | None = None
        self.head_position: int | None = None  # where the head's event stands in the chain
        if head is None or head.last_event_id is None:
            self.head_position = 0
        elif since is not None and head.last_event_id == since.last_event_id:
            self.head_position = since.count

    def report(self, problem: str, broken_event_id: int | None, message: str) -> ChainReport:
        return ChainReport(self.checked, self.last.pk if self.last else None, problem, broken_event_id, message)

    def start(self) -> ChainReport | None:
        """What the head and the checkpoints show before any event is read."""
        head = self.head
        if head is None and AuditEvent.objects.exists():
            return self.report(Problem.HEAD_MISSING, None, _("审计链末端记录缺失，无法确认最新事件是否完整"))
        if head is not None and not switch_point_sealed(head):
            seal_key = head.seal.partition(":")[0]
            if seal_key and seal_key not in self.keys.by_id:
                return self.report(
                    Problem.UNKNOWN_KEY,
                    head.last_event_id,
                    _("审计链末端记录的签名密钥 %(key)s 不在 AUDIT_CHAIN_KEY 中，无法核验") % {"key": seal_key},
                )
            return self.report(
                Problem.HEAD_TAMPERED, head.last_event_id, _("审计链末端记录的签名无效（末端记录被改动）")
            )
        recorded = head.event_count if head else 0
        known = [*self.anchors.values(), *([self.since] if self.since else [])]
        ahead = max((anchor for anchor in known if anchor.count > recorded), key=lambda a: a.count, default=None)
        if ahead is not None:
            return self.report(
                Problem.CHECKPOINT_SHORT,
                ahead.last_event_id,
                _(
                    "审计链末端只记有 %(recorded)s 个事件，少于外部锚点 %(checkpoint)s 所记的 %(count)s 个（最新事件被删除）"
                )
                % {"recorded": recorded, "checkpoint": ahead.label, "count": ahead.count},
            )
        if (
            self.since is not None
            and not AuditEvent.objects.filter(
                pk=self.since.last_event_id,
                hash=self.since.head_hash,
            ).exists()
        ):
            return self._mismatch(self.since, self.since.last_event_id)
        return None

    def step(self, event: AuditEvent) -> ChainReport | None:
        problem = self._link_problem(event)
        if problem:
            return self.report(*problem)
        position = self.checked + 1
        anchor = self.anchors.get(position)
        if anchor is not None and (anchor.last_event_id, anchor.head_hash) != (event.pk, event.hash):
            return self._mismatch(anchor, event.pk)
        if self.head is not None and event.pk == self.head.last_event_id:
            if event.hash != self.head.last_hash:
                return _tail_report(Problem.TAIL_REPLACED, position, event, self.head)
            self.head_position = position
        self.expected_prev, self.last, self.checked = event.hash, event, position
        return None

    def _link_problem(self, event: AuditEvent) -> tuple[str, int, str] | None:
        # A plain SHA-256 after the switch point is a row rewritten by someone without the key.
        if not event.key_id and (self.legacy_until is None or event.pk > self.legacy_until):
            return (
                Problem.UNKEYED,
                event.pk,
                _("事件 #%(id)s 未以密钥计算哈希，但写于启用密钥之后（记录被改写）") % {"id": event.pk},
            )
        if event.key_id and event.key_id not in self.keys.by_id:
            return (
                Problem.UNKNOWN_KEY,
                event.pk,
                _("事件 #%(id)s 的哈希密钥 %(key)s 不在 AUDIT_CHAIN_KEY 中，无法核验")
                % {"id": event.pk, "key": event.key_id},
            )
        # The content first: an edited prev_hash is an edit of this row, not of its predecessor.
        if event_hash(event, self.keys) != event.hash:
            return (
                Problem.CONTENT_CHANGED,
                event.pk,
                _("事件 #%(id)s 的内容与其哈希不符（记录被修改）") % {"id": event.pk},
            )
        if event.prev_hash != self.expected_prev:
            return (
                Problem.PREDECESSOR_BROKEN,
                event.pk,
                _("事件 #%(id)s 之前的事件缺失或被改动（前序哈希不符）") % {"id": event.pk},
            )
        return None

    def _mismatch(self, anchor: Checkpoint, event_id: int) -> ChainReport:
        return self.report(
            Problem.CHECKPOINT_MISMATCH,
            event_id,
            _("第 %(count)s 个事件与外部锚点 %(checkpoint)s 所记的事件 #%(anchored)s 不符（事件被删除或改写）")
            % {"count": anchor.count, "checkpoint": anchor.label, "anchored": anchor.last_event_id},
        )

    def end(self) -> ChainReport:
        last, head = self.last, self.head
        if self.head_position is None:
            return _tail_report(Problem.TAIL_MISSING, self.checked, last, head)
        if last is not None:
            # Re-read: events appended during the walk moved the head on, legitimately.
            current = AuditChainHead.objects.filter(pk=HEAD_PK).first()
            if current is None:
                return self.report(Problem.HEAD_MISSING, last.pk, _("审计链末端记录缺失，无法确认最新事件是否完整"))
            if current.last_event_id is None or last.pk > current.last_event_id:
                return _tail_report(Problem.UNREGISTERED_TAIL, self.checked, last, current)
        if head is not None and head.event_count != self.head_position:
            return self.report(
                Problem.HEAD_TAMPERED,
                head.last_event_id,
                _("审计链末端记录的事件数 %(recorded)s 与实际的 %(actual)s 不符（末端记录被改动）")
                % {"recorded": head.event_count, "actual": self.head_position},
            )
        short = max((a for a in self.anchors.values() if a.count > self.checked), key=lambda a: a.count, default=None)
        if short is not None:
            return self.report(
                Problem.CHECKPOINT_SHORT,
                short.last_event_id,
                _("审计链只有 %(checked)s 个事件，少于外部锚点 %(checkpoint)s 所记的 %(count)s 个（事件被删除）")
                % {"checked": self.checked, "checkpoint": short.label, "count": short.count},
            )
        if last is not None:
            last_id, last_hash = last.pk, last.hash
        elif self.since is not None:  # nothing new since that checkpoint
            last_id, last_hash = self.since.last_event_id, self.since.head_hash
        else:
            last_id, last_hash = None, ""
        return ChainReport(
            self.checked,
            last_id,
            message=self._intact_message(),
            last_hash=last_hash,
            anchored=len(self.anchors),
        )

    def _intact_message(self) -> str:
        message = _("已核验 %(count)s 个审计事件，审计链完整。") % {"count": self.checked}
        if not self.anchors:
            return message
        newest = max(self.anchors.values(), key=lambda a: a.created_at)
        return message + _("与 %(anchors)s 个外部锚点一致（最新锚点写于 %(time)s，记有 %(count)s 个事件）。") % {
            "anchors": len(self.anchors),
            "time": f"{timezone.localtime(newest.created_at):%Y-%m-%d %H:%M:%S}",
            "count": newest.count,
        }


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
        "head": head.last_event_id,
        "last": f"#{last_id}" if last_id else _("（无）"),
    }
    broken = head.last_event_id if problem != Problem.UNREGISTERED_TAIL else _first_unregistered(head)
    return ChainReport(checked, last_id, problem, broken, message)


def _first_unregistered(head: AuditChainHead) -> int | None:
    newer = AuditEvent.objects.order_by("id")
    if head.last_event_id is not None:
        newer = newer.filter(pk__gt=head.last_event_id)
    return newer.values_list("pk", flat=True).first()
