"""Realistic subjects and credit records in bulk, for the search and subject-page benchmarks
(`bench/bench_inquiry.py`) and the capacity runs (deploy/CAPACITY.md):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_inquiry
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/generate_bench_data.py --subjects 1000000 --records 5000000 --no-revisions

Subjects: 70 % companies and other organisations, 20 % 个体工商户, 10 % natural persons, with
valid 统一社会信用代码 and 公民身份号码 (check characters from python-stdnum), names built the way
Nantong's are (a place, a two-character 字号, a trade, a legal form), spread over the districts.
Records: every item of the published catalog in realistic proportions, with the item's fields
filled by type, decision dates over 2019-2026 (so that many penalties have expired), a few
corrected, revoked and suspended records, objections and statements on some penalties, and
public credit commitments for some companies.

On PostgreSQL the rows go in by `COPY`, with the secondary indexes dropped during the load and
rebuilt after it (faster than maintaining them row by row), all in one transaction, then
`ANALYZE`. SQLite gets `bulk_create` (for tests and small demos). Rows are written straight to
the tables: no audit events, no validation pipeline — the data is generated valid.

The modules: `bench_data_names.py` (words and weights), `bench_data_rows.py` (the seeded
generator of rows), `bench_data_copy.py` (the loader). Tests call `generate()`.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import TextIO

BASE_DIR = Path(__file__).resolve().parent.parent


class GenerationError(Exception):
    """The data cannot be generated (no published catalog, bad counts)."""


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Generate realistic subjects and credit records in bulk (COPY on PostgreSQL) for benchmarks."
    )
    parser.add_argument("--subjects", type=int, required=True, help="number of subjects to add")
    parser.add_argument("--records", type=int, required=True, help="number of credit records to add")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    parser.add_argument(
        "--no-revisions",
        action="store_true",
        help="skip the first revision of each record (half the rows; pages never read them)",
    )
    return parser


def generate(*, subjects: int, records: int, seed: int = 2026, no_revisions: bool = False, stdout: TextIO) -> None:
    """Add `subjects` subjects and `records` records to the database Django is set up for."""
    from django.db import transaction

    from bench.bench_data_copy import Writer
    from bench.bench_data_names import ITEM_WEIGHTS
    from bench.bench_data_rows import Generator
    from catalog.selectors import published_version

    if subjects < 1 or records < 0:
        raise GenerationError("--subjects must be at least 1 and --records not negative")
    version = published_version()
    if version is None:
        raise GenerationError("No published catalog: run `python manage.py seed_demo` first.")
    items = [item for item in version.items.prefetch_related("fields", "providers") if item.code in ITEM_WEIGHTS]
    if not items:
        raise GenerationError("The published catalog has none of the items this script knows.")
    started = time.monotonic()
    generator = Generator(random.Random(seed), items, with_revisions=not no_revisions)
    with transaction.atomic():
        writer = Writer(stdout)
        writer.prepare()
        people = generator.write_subjects(writer, subjects)
        generator.write_records(writer, people, records)
        writer.finish()
    writer.vacuum()
    stdout.write(f"{subjects} subjects and {records} records in {time.monotonic() - started:.0f} s\n")


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    options = parser().parse_args(argv)
    setup_django()
    try:
        generate(
            subjects=options.subjects,
            records=options.records,
            seed=options.seed,
            no_revisions=options.no_revisions,
            stdout=sys.stdout,
        )
    except GenerationError as error:
        sys.exit(f"generate_bench_data: {error}")


if __name__ == "__main__":
    main()
