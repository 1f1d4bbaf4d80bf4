"""Signed checkpoints of the audit chain, kept outside the database (issue 12).

Whoever owns the audit tables can delete the newest events and move the chain head back, or
empty both tables: nothing left inside the database tells. A checkpoint — how many events the
chain holds, the newest one's id and hash, the time, signed with the chain key (`audit.keys`) —
is written at intervals (Celery beat) and on demand (`manage.py audit_checkpoint`) through the
`audit_checkpoints` storage, which production points at storage the database's owner cannot
rewrite (another host, a bucket with object lock). `verify_chain` compares the chain with the
newest checkpoints: fewer events than one says, or another event at the position it names, is
a failure naming that checkpoint.

A checkpoint is written only after the events since the previous one verify and extend it, so
the checkpoints form a chain of their own: the newest vouches for every earlier one.
Layout: `<YYYY-MM>/<UTC time>-<count>.json`, oldest first when sorted by name.
"""

import datetime as dt
import json
from dataclasses import dataclass, replace

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

from .keys import sign, signature_valid

STORAGE_ALIAS = "audit_checkpoints"
# `verify_chain` compares the chain with this many of the newest checkpoints; since each one
# was written only over a chain that extended the one before, the newest few vouch for all.
COMPARED = 10
_PURPOSE = "checkpoint"


class CheckpointForged(Exception):
    """A file in the checkpoint storage that no listed key signed (or that is no checkpoint)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class ChainBroken(Exception):
    """The events since the newest checkpoint do not verify: no checkpoint is written over them."""

    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


@dataclass(frozen=True)
class Checkpoint:
    count: int  # events in the chain up to and including the newest
    last_event_id: int
    head_hash: str
    created_at: dt.datetime
    signature: str = ""
    name: str = ""  # where it is stored

    def signed_content(self) -> str:
        return f"{self.count}|{self.last_event_id}|{self.head_hash}|{self.created_at.isoformat()}"

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "count": self.count,
                "last_event_id": self.last_event_id,
                "head_hash": self.head_hash,
                "created_at": self.created_at.isoformat(),
                "signature": self.signature,
            },
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8")

    @property
    def label(self) -> str:
        """How messages name it: its file and its local time."""
        return f"{self.name}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M:%S}）"


def checkpoint_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _read(storage: Storage, name: str) -> Checkpoint:
    try:
        with storage.open(name) as file:
            data = json.loads(file.read().decode("utf-8"))
        checkpoint = Checkpoint(
            count=int(data["count"]),
            last_event_id=int(data["last_event_id"]),
            head_hash=str(data["head_hash"]),
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            signature=str(data["signature"]),
            name=name,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CheckpointForged(name) from None
    if not signature_valid(_PURPOSE, checkpoint.signed_content(), checkpoint.signature):
        raise CheckpointForged(name)
    return checkpoint


def _listdir(storage: Storage, path: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(path)
    except FileNotFoundError:  # nothing written yet
        return [], []


def newest_checkpoints(limit: int = COMPARED) -> list[Checkpoint]:
    """The newest `limit` checkpoints, newest first. Raises `CheckpointForged` for a file in
    their midst that is not a checkpoint signed with a listed key."""
    storage = checkpoint_storage()
    found: list[Checkpoint] = []
    for month in sorted(_listdir(storage, "")[0], reverse=True):
        for name in sorted(_listdir(storage, month)[1], reverse=True):
            if not name.endswith(".json"):
                continue
            found.append(_read(storage, f"{month}/{name}"))
            if len(found) == limit:
                return found
    return found


def write_checkpoint() -> Checkpoint | None:
    """Verify the events since the newest checkpoint and anchor the chain's end in a new one.

    Returns the newest checkpoint (the previous one when no event came since), or None while
    the chain is empty. Raises `ChainBroken` when the events since the newest checkpoint do not
    verify or no longer reach it: a broken chain is never signed.
    """
    from .verification import verify_chain  # verification reads checkpoints too

    newest = newest_checkpoints(limit=1)
    previous = newest[0] if newest else None
    report = verify_chain(since=previous, anchors=[])
    if not report.ok:
        raise ChainBroken(report)
    if report.last_event_id is None:
        return None
    if previous is not None and report.last_event_id == previous.last_event_id:
        return previous
    checkpoint = Checkpoint(
        count=report.checked,
        last_event_id=report.last_event_id,
        head_hash=report.last_hash,
        created_at=timezone.now().astimezone(dt.UTC),
    )
    return _save(checkpoint)


def _save(checkpoint: Checkpoint) -> Checkpoint:
    signed = replace(checkpoint, signature=sign(_PURPOSE, checkpoint.signed_content()))
    stamp = signed.created_at
    name = f"{stamp:%Y-%m}/{stamp:%Y%m%dT%H%M%S%fZ}-{signed.count}.json"
    stored = checkpoint_storage().save(name, ContentFile(signed.to_json()))
    return replace(signed, name=stored)
