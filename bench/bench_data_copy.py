"""The loader of the benchmark data (`bench/generate_bench_data.py`): COPY on PostgreSQL, with
the secondary indexes dropped during the load and rebuilt after it, then `ANALYZE`;
`bulk_create` elsewhere (tests and small demos)."""

import datetime as dt
import hashlib
import io
import json
import time
from typing import TextIO

from django.db import connection

from collection.models import Annotation, CreditRecord, RecordRevision, Subject
from inquiry.models import CreditCommitment


class Writer:
    """Puts rows into tables: COPY on PostgreSQL, bulk_create elsewhere."""

    MODELS = (Subject, CreditRecord, RecordRevision, Annotation, CreditCommitment)

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout
        self.postgres = connection.vendor == "postgresql"
        self.dropped: list[str] = []

    def log(self, text: str) -> None:
        self.stdout.write(text + "\n")

    def prepare(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            # Check each foreign key as its row arrives rather than queueing millions of checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            tables = [model._meta.db_table for model in self.MODELS]
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary",
                [tables],
            )
            indexes = cursor.fetchall()
            # A raised statistics target of an index column (`inquiry.0005`) goes with the index.
            cursor.execute(
                "SELECT a.attrelid::regclass::text, a.attnum, a.attstattarget FROM pg_attribute a "
                "JOIN pg_index i ON i.indexrelid = a.attrelid "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND a.attstattarget > 0",
                [tables],
            )
            targets = cursor.fetchall()
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
                self.dropped.append(definition)
            self.dropped += [
                f"ALTER INDEX {name} ALTER COLUMN {column} SET STATISTICS {target}" for name, column, target in targets
            ]
            cursor.execute("LOCK TABLE " + ", ".join(tables) + " IN SHARE ROW EXCLUSIVE MODE")
        self.log(f"dropped {len(indexes)} secondary indexes for the load")

    def finish(self) -> None:
        if not self.postgres:
            return
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in self.dropped:
                cursor.execute(statement)
            for model in self.MODELS:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        rebuilt = sum(statement.startswith("CREATE") for statement in self.dropped)
        self.log(f"rebuilt {rebuilt} indexes and analysed in {time.monotonic() - started:.0f} s")

    def vacuum(self) -> None:
        """Set the visibility map, as autovacuum would some time after a load, so that the
        first measurements are not those of a table nobody has vacuumed yet. Not possible (nor
        needed) inside a caller's transaction, e.g. a test's."""
        if not self.postgres or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in self.MODELS:
                cursor.execute(f"VACUUM {model._meta.db_table}")

    def next_id(self, model) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    def bump_sequence(self, model, last_id: int) -> None:
        if not self.postgres:
            return
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, (SELECT max(id) FROM " + table + ")))",
                [table, last_id],
            )

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.postgres:
            model.objects.bulk_create([model(**_python_values(row)) for row in rows], batch_size=500)
            return
        columns = list(rows[0])
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(row[column]) for column in columns))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer)


class JsonData(str):
    """A record's data as JSON text, serialised once for the record, its revision and its hash."""

    @property
    def text(self) -> str:
        return str(self)

    def as_dict(self) -> dict:
        return json.loads(self)


def content_hash(subject_key: str, data_text: str) -> str:
    # Bench records are never re-submitted, so any stable digest of their content will do.
    return hashlib.sha256(f"{subject_key}|{data_text}".encode()).hexdigest()


def _python_values(row: dict) -> dict:
    return {key: value.as_dict() if value.__class__ is JsonData else value for key, value in row.items()}


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value.__class__ is str:
        text = value
    elif value.__class__ is bool:
        return "t" if value else "f"
    elif value.__class__ is JsonData:
        text = str.__str__(value)
    elif value.__class__ is int:
        return str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
