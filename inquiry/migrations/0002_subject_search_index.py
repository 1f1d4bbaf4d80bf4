"""Indexes for the public name search (`inquiry.search`), on PostgreSQL only.

Chinese names are searched by any part of them, and one- and two-character terms are common
(a 字号 such as 四建, a town such as 金沙). A trigram index serves terms of three characters and
more; a term of one or two characters has no trigram, so it would fall back to a full scan. For
those, each organisation's name gets a stored column of its single characters and character
pairs (`name_grams`), maintained by the database itself so that every way of inserting subjects
(the pipeline, `bulk_create`, `COPY`) keeps it right, with a GIN index on it.

Natural persons are never searched publicly: their names are left out of both indexes.

SQLite gets nothing: the embedded mode's search is a plain `LIKE`.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Lower case so that Latin letters in names match whatever case is typed (Chinese has none).
    """
    CREATE OR REPLACE FUNCTION inquiry_name_grams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT gram), '{}')
        FROM (
            SELECT substr(lower(name), i, 1) FROM generate_series(1, char_length(name)) AS i
            UNION ALL
            SELECT substr(lower(name), i, 2) FROM generate_series(1, char_length(name) - 1) AS i
        ) AS grams(gram)
    $$
    """,
    """
    ALTER TABLE collection_subject ADD COLUMN name_grams text[]
    GENERATED ALWAYS AS (CASE WHEN kind <> 'natural_person' THEN inquiry_name_grams(name) END) STORED
    """,
    """
    CREATE INDEX subject_name_grams_gin ON collection_subject USING gin (name_grams)
    WHERE kind <> 'natural_person'
    """,
    """
    CREATE INDEX subject_name_trgm_gin ON collection_subject USING gin (name gin_trgm_ops)
    WHERE kind <> 'natural_person'
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS subject_name_trgm_gin",
    "DROP INDEX IF EXISTS subject_name_grams_gin",
    "ALTER TABLE collection_subject DROP COLUMN IF EXISTS name_grams",
    "DROP FUNCTION IF EXISTS inquiry_name_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inquiry", "0001_initial"),
        ("collection", "0005_record_suspended_since"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
