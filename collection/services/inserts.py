"""Single rows inserted by one plain statement (a submission's statements are few)."""

from django.db import connection, models


def insert_unless_taken(obj: models.Model) -> bool:
    """INSERT the new instance unless a unique key of it is taken (one statement, no savepoint):
    True with its primary key set when it went in, False when another row holds the key."""
    return _insert(obj, unless_taken=True)


def _insert(obj: models.Model, *, unless_taken: bool = False) -> bool:
    """`obj.save(force_insert=True)` as one plain INSERT … RETURNING: a submission's statements
    are few, and building each through the ORM costs more than the database's work on it.
    (No signals: nothing listens to these models' saves.)"""
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    quote = connection.ops.quote_name
    conflict = " ON CONFLICT DO NOTHING" if unless_taken else ""
    columns = [str(f.column) for f in fields]  # concrete fields: each has its column
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}){conflict} RETURNING {quote(str(meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True
