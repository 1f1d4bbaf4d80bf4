"""Batches (bulk import): `BatchWriter` stores chunks of checked rows set-based (COPY on
PostgreSQL), as `submit_record` would store them one after the other.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import CatalogItem, Provider

from ..bulk.store import CopyPipe, JsonText, RowSink
from ..identifiers import identifier_family
from ..models import CreditRecord, RecordRevision, Subject
from ..names.matching import same_name
from ..personal_data import identifier_hash
from .checks import REGISTRATION_FIELDS, CheckedSubmission
from .subjects import (
    NameSeen,
    _identity_values,
    _kind_conflict_message,
    _record_subject_update,
    _registration_values,
    names_subject,
    note_name_mismatches,
)
from .upsert import (
    CHANGED_RECORD_FIELDS,
    apply_change,
    canonical_json,
    hash_content,
    is_unchanged,
    new_record_constants,
    new_record_values,
    revision_constants,
    revision_values,
)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects_created: int = 0
    subjects_updated: int = 0
    name_mismatches: int = 0  # rows that gave an organisation another name (`names_subject`)
    content_hashes: list[str] = field(default_factory=list)  # one per row, in the rows' order


class BatchConflict(Exception):
    """A checked row that cannot be stored after all: the database changed since the check."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def subject_hash(checked: CheckedSubmission) -> str:
    return identifier_hash(identifier_family(checked.kind), checked.identifier.value)


def kind_conflicts(rows: Sequence[CheckedSubmission]) -> dict[int, str]:
    """Rows whose identifier already belongs to a subject of another kind: {index: message}.

    `submit_record` finds this only while storing; a batch asks beforehand, so that such a row
    is reported with the others instead of failing the whole import.
    """
    hashes = [subject_hash(row) for row in rows]
    kinds = dict(Subject.objects.filter(identifier_hash__in=set(hashes)).values_list("identifier_hash", "kind"))
    return {
        index: _kind_conflict_message(kinds[digest])
        for index, (row, digest) in enumerate(zip(rows, hashes, strict=True))
        if digest in kinds and kinds[digest] != row.kind
    }


def submit_checked_batch(
    *,
    provider: Provider,
    rows: Sequence[CheckedSubmission],
    actor,
    channel: str,
    reason: str = "",
    received_at: dt.datetime | None = None,
) -> BatchResult:
    """Store rows that passed `check_submission` as `submit_record` would one after the other.

    The same subjects (created, or renamed by a later row), records (created; updated with a new
    revision when their content changed, a revoked one becoming active again; left alone when
    unchanged) and revisions, in a few queries per call instead of several per row. What
    differs is the audit trail: no event per row, the caller records one event for the whole
    batch in the same transaction (issue 3 allows this). Source keys must be unique within
    `rows`. Raises `BatchConflict` when a subject's kind conflicts after all.
    """
    with (
        transaction.atomic(),
        BatchWriter(provider=provider, actor=actor, channel=channel, reason=reason, received_at=received_at) as writer,
    ):
        return writer.store(rows)


# Registration fields of a new subject that no row of a batch fills: the model's own defaults.
_BLANK_REGISTRATION = {
    key: Subject._meta.get_field(key).get_default()  # type: ignore[union-attr]  # plain fields
    for key in REGISTRATION_FIELDS
}


class BatchWriter:
    """Stores chunks of checked rows in the caller's transaction (`submit_checked_batch`).

    Records, revisions and new subjects go in as plain column values through a `RowSink`: on
    PostgreSQL by COPY, which the database is still working on when `store` returns, while the
    caller checks its next chunk. Foreign keys are checked as each chunk goes in rather than at
    commit, so that this work too overlaps (and a chunk that breaks one fails at once). Use it as
    a context manager inside `transaction.atomic()`: leaving waits for the last chunk.
    """

    def __init__(
        self, *, provider: Provider, actor, channel: str, reason: str = "", received_at: dt.datetime | None = None
    ):
        if not connection.in_atomic_block:
            raise RuntimeError("a BatchWriter stores inside the caller's transaction")
        self.provider, self.channel, self.reason, self.received_at = provider, channel, reason, received_at
        self.actor = actor
        self.pipe = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.pipe = CopyPipe()
        self.sink = RowSink(self.pipe)

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.pipe is None:
            return
        try:
            self.pipe.close()
        except Exception:
            if exc_type is None:
                raise
            return  # the transaction is rolled back for the first error anyway
        if exc_type is None:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as before

    def store(self, rows: Sequence[CheckedSubmission]) -> BatchResult:
        keys = [(row.item.code, row.source_key) for row in rows]
        if len(set(keys)) != len(keys):
            raise ValueError("a batch must not name the same record twice")
        result = BatchResult()
        hashes = [subject_hash(row) for row in rows]
        texts = [canonical_json(row.data) for row in rows]  # serialised once: hash, record, revision
        digests = result.content_hashes = [hash_content(h, t) for h, t in zip(hashes, texts, strict=True)]
        if self.pipe is not None:
            self.pipe.wait()  # the previous chunk is in: its subjects and records can be found
        received = self.received_at or timezone.now()
        today = timezone.localdate()
        subject_ids, mismatches = self._subjects(rows, hashes, result)
        existing = _batch_records(self.provider, keys)
        new: list[int] = []
        changed: list[tuple[int, CreditRecord]] = []
        for index, key in enumerate(keys):
            record = existing.get(key)
            if record is None:
                new.append(index)
            elif is_unchanged(record, digests[index]):
                result.unchanged += 1
            else:
                apply_change(
                    record,
                    rows[index],
                    subject_id=subject_ids[index],
                    digest=digests[index],
                    channel=self.channel,
                    today=today,
                )
                record.updated_at = received
                changed.append((index, record))
        if changed:
            self._update(changed)
        # The data as text, serialised once: COPY writes it as it is (`bulk_update` takes the dict).
        revisions = [
            revision_values(
                record_id=record.pk,
                number=record.revision,
                status=record.status,
                decision_date=record.decision_date,
                data=JsonText(texts[index]),
                digest=record.content_hash,
            )
            for index, record in changed
        ]
        for item, indexes in _by_item(rows, new).items():
            constants = new_record_constants(
                item, provider_id=self.provider.pk, channel=self.channel, received_at=received
            )
            values = [
                new_record_values(
                    rows[i],
                    subject_id=subject_ids[i],
                    digest=digests[i],
                    data=JsonText(texts[i]),
                    channel=self.channel,
                    received_at=received,
                    today=today,
                )
                for i in indexes
            ]
            ids = self.sink.insert(CreditRecord, values, constants=constants)
            revisions += [
                revision_values(
                    record_id=pk,
                    number=constants["revision"],
                    status=row["status"],
                    decision_date=row["decision_date"],
                    data=row["data"],
                    digest=row["content_hash"],
                )
                for pk, row in zip(ids, values, strict=True)
            ]
        self.sink.insert(
            RecordRevision,
            revisions,
            constants=revision_constants(channel=self.channel, reason=self.reason, actor=self.actor),
        )
        self.sink.flush()
        if mismatches:  # rare: they may name subjects of this chunk, which must be in first
            if self.pipe is not None:
                self.pipe.wait()
            note_name_mismatches(provider=self.provider, seen=mismatches)
        result.created, result.updated, result.name_mismatches = len(new), len(changed), len(mismatches)
        return result

    def _subjects(
        self, rows: Sequence[CheckedSubmission], hashes: list[str], result: BatchResult
    ) -> tuple[list[int], list[NameSeen]]:
        """The subject of each row, creating and updating subjects as the rows in order would,
        and the rows that gave their subject a name it does not take (`names_subject`)."""
        found = {s.identifier_hash: s for s in Subject.objects.filter(identifier_hash__in=set(hashes))}
        names_before = {digest: subject.name for digest, subject in found.items()}
        first: dict[str, int] = {}
        wanted: dict[str, dict] = {}  # the first row creates; each later row's non-empty values win
        unnamed: list[int] = []  # rows whose name is not their subject's to give
        for index, (row, digest) in enumerate(zip(rows, hashes, strict=True)):
            kind = found[digest].kind if digest in found else rows[first.get(digest, index)].kind
            if row.kind != kind:
                raise BatchConflict(index, _kind_conflict_message(kind))
            creates = first.setdefault(digest, index) == index and digest not in found
            values = _registration_values(row.registration) if row.registration else {}
            if creates or names_subject(row):
                values["name"] = row.name
            else:
                unnamed.append(index)
            wanted.setdefault(digest, {}).update({key: value for key, value in values.items() if value})
        renamed, fields = _renamed_subjects(found, wanted)
        Subject.objects.bulk_update(renamed, [*fields, "updated_at"], batch_size=500)
        self._record_renames(renamed, names_before)
        new = [digest for digest in first if digest not in found]
        ids = dict(
            zip(
                new,
                self.sink.insert(
                    Subject,
                    [
                        {
                            **_BLANK_REGISTRATION,
                            **wanted[digest],
                            **_identity_values(
                                kind=rows[first[digest]].kind, result=rows[first[digest]].identifier, lookup=digest
                            ),
                        }
                        for digest in new
                    ],
                ),
                strict=True,
            )
        )
        ids.update({digest: subject.pk for digest, subject in found.items()})
        result.subjects_created += len(new)
        result.subjects_updated += len(renamed)
        names = {digest: found[digest].name if digest in found else wanted[digest]["name"] for digest in first}
        mismatches = [
            NameSeen(ids[hashes[i]], rows[i].name, rows[i].item.code, rows[i].source_key)
            for i in unnamed
            if not same_name(rows[i].name, names[hashes[i]])
        ]
        return [ids[digest] for digest in hashes], mismatches

    def _record_renames(self, subjects: list[Subject], names_before: dict[str, str]) -> None:
        """Each change of name has its event (few: they come with registration records); other
        registration details are covered by the batch's one event."""
        for subject in subjects:
            before = names_before[subject.identifier_hash]
            if subject.name != before:
                _record_subject_update(subject, before={"name": before}, after={"name": subject.name}, actor=self.actor)

    def _update(self, changed: list[tuple[int, CreditRecord]]) -> None:
        # A changed record may now belong to a subject of this chunk: that must be in first.
        self.sink.flush()
        if self.pipe is not None:
            self.pipe.wait()
        CreditRecord.objects.bulk_update(
            [record for _index, record in changed], [*CHANGED_RECORD_FIELDS, "updated_at"], batch_size=500
        )


def _by_item(rows: Sequence[CheckedSubmission], indexes: list[int]) -> dict[CatalogItem, list[int]]:
    groups: dict[int, tuple[CatalogItem, list[int]]] = {}
    for index in indexes:
        item = rows[index].item
        groups.setdefault(item.pk, (item, []))[1].append(index)
    return dict(groups.values())


def _batch_records(provider: Provider, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CreditRecord]:
    wanted = set(keys)
    found = (
        CreditRecord.objects.select_for_update()
        .filter(
            provider=provider, item_code__in={code for code, _key in wanted}, source_key__in={k for _c, k in wanted}
        )
        # The stored content is replaced, never read: leave the JSON where it is.
        .only(
            "id",
            "provider_id",
            "item_code",
            "source_key",
            "subject_id",
            "content_hash",
            "status",
            "revision",
            "received_at",
            "self_declared",
        )
    )
    return {(r.item_code, r.source_key): r for r in found if (r.item_code, r.source_key) in wanted}


def _renamed_subjects(found: dict[str, Subject], wanted: dict[str, dict]) -> tuple[list[Subject], set[str]]:
    changed: list[Subject] = []
    fields: set[str] = set()
    now = timezone.now()
    for digest, subject in found.items():
        differing = {key: value for key, value in wanted[digest].items() if getattr(subject, key) != value}
        if differing:
            for key, value in differing.items():
                setattr(subject, key, value)
            subject.updated_at = now
            changed.append(subject)
            fields.update(differing)
    return changed, fields
