"""Inserting many rows at once: by COPY on PostgreSQL, sent while Python goes on working.

A batch of records is mostly work for two parties: Python checking rows and building what to
store, PostgreSQL parsing it, checking constraints and maintaining indexes. `RowSink` takes rows
as plain column values (never model instances: building one costs more than storing it) and,
on PostgreSQL, writes them in COPY's text format and hands them to a `CopyPipe`, whose
background thread sends them on the caller's own connection and transaction. psycopg2 waits for
the server without holding the GIL, so the two parties work on two cores at once. Elsewhere
(SQLite) the same rows become instances stored by `bulk_create`.
"""

import io
import json
import threading
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

_LAYOUTS_KEPT = 16
COPY_BLOCK = 1 << 20  # bytes handed to the server per call: few GIL round trips per chunk


class JsonText(str):
    """A JSON value already serialised (a record's data is serialised once, for its hash, its
    row and its revision's row)."""


class CopyPipe:
    """COPY FROM STDIN statements run in order by a background thread on the caller's connection.

    Only COPY runs in the thread, and nothing else may use the connection meanwhile (psycopg2
    does not keep a COPY's messages and another statement's apart). So every statement that
    Django sends on this connection first waits for the COPY (an execute wrapper, until
    `close()`); `wait()` also raises whatever went wrong, as Django's exception (a duplicate key
    is an `IntegrityError` as anywhere else). Close the pipe before the transaction ends.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._guarding = True
        connection.execute_wrappers.append(self._wait_first)

    def _wait_first(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)

    def close(self) -> None:
        """Wait for the last COPY (raising its error) and stop guarding the connection."""
        try:
            self.wait()
        finally:
            if self._guarding:
                self._guarding = False
                connection.execute_wrappers.remove(self._wait_first)

    def send(self, statements: list[tuple[str, io.StringIO]]) -> None:
        self.wait()
        if statements:
            self._thread = threading.Thread(target=self._run, args=(statements,), name="copy-pipe", daemon=True)
            self._thread.start()

    def _run(self, statements: list[tuple[str, io.StringIO]]) -> None:
        try:
            with self._raw.cursor() as cursor:
                for sql, text in statements:
                    cursor.copy_expert(sql, text, size=COPY_BLOCK)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller by wait()
            self._error = exc

    def wait(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        thread.join()
        error, self._error = self._error, None
        if error is not None:
            with connection.wrap_database_errors:
                raise error


class RowSink:
    """Rows of several tables, inserted in the order they are added, all sent by `flush()`.

    `insert(model, rows)` gives each row (a dict of attribute names to values; fields left out
    take their defaults, as in `Model(**row)`) its primary key and returns the keys, so that
    later rows can refer to them. Only what `insert` returns may be relied on before `flush()`.
    """

    def __init__(self, pipe: CopyPipe | None) -> None:
        self.pipe = pipe
        self._pending: list[tuple[str, io.StringIO]] = []
        self._layouts: dict[tuple, _CopyLayout] = {}

    def insert(self, model: type[models.Model], rows: list[dict], constants: dict | None = None) -> list[int]:
        """Insert `rows`, each completed by `constants` (values shared by every row)."""
        if not rows:
            return []
        constants = constants or {}
        if self.pipe is None:
            objects = [model(**_decoded(row), **constants) for row in rows]
            model.objects.bulk_create(objects)
            pk = model._meta.pk.attname
            for row, obj in zip(rows, objects, strict=True):
                row[pk] = obj.pk
            return [obj.pk for obj in objects]
        layout = self._layout(model, rows[0].keys(), constants)
        ids = _reserve_ids(model, len(rows))
        pk = model._meta.pk.attname
        text = io.StringIO()
        for row, key in zip(rows, ids, strict=True):
            row[pk] = key
            text.write(layout.line(row))
        text.seek(0)
        self._pending.append((layout.sql, text))
        return ids

    def flush(self) -> None:
        """Send what was inserted (on PostgreSQL the server works on it in the background)."""
        pending, self._pending = self._pending, []
        if self.pipe is not None:
            self.pipe.send(pending)

    def _layout(self, model: type[models.Model], keys, constants: dict) -> "_CopyLayout":
        names = (model, tuple(keys), tuple(sorted((k, _hashable(v)) for k, v in constants.items())))
        layout = self._layouts.get(names)
        if layout is None:
            if len(self._layouts) >= _LAYOUTS_KEPT:
                self._layouts.clear()
            layout = self._layouts[names] = _CopyLayout(model, [model._meta.pk.attname, *keys], constants)
        return layout


class _CopyLayout:
    """How rows of one shape become COPY lines: the varying columns first, then a fixed tail
    with the constants and every other field's default, written once."""

    def __init__(self, model: type[models.Model], varying: list[str], constants: dict) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        varying = list(dict.fromkeys(varying))
        now = timezone.now()
        fixed = {}
        for attname, f in fields.items():
            if attname in varying:
                continue
            if attname in constants:
                fixed[attname] = constants[attname]
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fixed[attname] = now
            else:
                fixed[attname] = f.get_default()
        self.names = varying
        self.tabs = len(varying) - 1
        self.json_at = [
            (i, fields[name].encoder) for i, name in enumerate(varying) if isinstance(fields[name], models.JSONField)
        ]
        self.converters = [copy_converter(fields[name]) for name in varying]
        tail = "".join("\t" + _copy_value(fields[name], value) for name, value in fixed.items())
        self.tail = tail + "\n"
        quote = connection.ops.quote_name
        columns = ", ".join(quote(fields[name].column) for name in [*varying, *fixed])
        self.sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"

    def line(self, row: dict) -> str:
        values = [row[name] for name in self.names]
        for i, encoder in self.json_at:
            if values[i] is not None and values[i].__class__ is not JsonText:
                values[i] = JsonText(json.dumps(values[i], cls=encoder, ensure_ascii=False))
        # `str` writes what these columns hold as COPY reads it (dates and times in ISO form,
        # True/False, numbers); only backslashes, tabs and line breaks need escaping, and a
        # line without any of them in its values is taken as it is.
        text = "\t".join([r"\N" if value is None else str(value) for value in values])
        if "\\" in text or "\n" in text or "\r" in text or text.count("\t") != self.tabs:
            text = "\t".join(
                [
                    r"\N" if value is None else convert(value)
                    for value, convert in zip(values, self.converters, strict=True)
                ]
            )
        return text + self.tail


def _copy_value(f: models.Field, value) -> str:
    return r"\N" if value is None else copy_converter(f)(value)


def copy_converter(f: models.Field):
    """How a non-null value of `f` is written in COPY's text format."""
    if isinstance(f, models.JSONField):
        # jsonb keeps the same value however the text spells it; without \\u escapes it is shorter.
        def json_text(value) -> str:
            if value.__class__ is not JsonText:
                value = json.dumps(value, cls=f.encoder, ensure_ascii=False)
            return copy_text(value)

        return json_text
    if isinstance(f, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(f, (models.DateField, models.DateTimeField)):
        return lambda value: value.isoformat()
    if isinstance(f, (models.IntegerField, models.AutoField)):
        return str
    return lambda value: copy_text(str(value))


def copy_text(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


_SEQUENCES: dict[str, str] = {}


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        sequence = _SEQUENCES.get(table)
        if sequence is None:
            # Asked once: in the statement below it would be looked up for every key (10 × slower).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            sequence = _SEQUENCES[table] = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [key for (key,) in cursor.fetchall()]


def _decoded(row: dict) -> dict:
    return {key: json.loads(value) if value.__class__ is JsonText else value for key, value in row.items()}


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def insert_many(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert new instances at once and give them their primary keys (COPY on PostgreSQL)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
    sink = RowSink(CopyPipe())
    keys = sink.insert(model, [{name: obj.__dict__[name] for name in fields} for obj in objects])
    sink.flush()
    sink.pipe.close()
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
