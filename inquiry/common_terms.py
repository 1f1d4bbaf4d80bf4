"""Which one- and two-character terms are common in names, from PostgreSQL's own statistics.

A term found in one name of thirty or more (有限, 公司, 科, 责) is best found by reading names in
table order until a page's worth of matches is in hand, and then `name LIKE '%责%'` tests a
name three times faster than `name_grams @> ARRAY['责']` (the array is the last column of a wide
row): 5 against 14 ms at 1,000,000 names (bench/README.md). A rarer term must use the GIN index
of `name_grams`: read in table order, 锦 (one name in 170) takes 135 ms.

`ANALYZE` (autovacuum runs it) keeps the commonest elements of `name_grams` with their shares
in `pg_stats`; each process reads them at most once every `REFRESH_SECONDS`.
"""

import threading
import time

from django.db import connection

from collection.models import Subject

# From this share of names on, reading in table order wins (measured: 3 % → ~17,000 names read
# for 500 matches, ~7 ms; the index then costs about as much).
COMMON_SHARE = 0.03
REFRESH_SECONDS = 3600.0

_STATS = (
    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
    "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'name_grams'"
)
_lock = threading.Lock()
_kept: tuple[float, frozenset[str]] | None = None


def is_common(term: str) -> bool:
    """Whether `term` (lower case, one or two characters) is in at least `COMMON_SHARE` of the
    names, as of the last `ANALYZE`. False without statistics (a new database): the index is
    never a wrong choice, only a slower one for common terms."""
    return term in _common_terms()


def _common_terms() -> frozenset[str]:
    global _kept
    now = time.monotonic()
    kept = _kept
    if kept is not None and now - kept[0] < REFRESH_SECONDS:
        return kept[1]
    with _lock:
        terms = _read_common_terms()
        _kept = (now, terms)
    return terms


def _read_common_terms() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute(_STATS, [Subject._meta.db_table])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return frozenset()
    elements, shares = row
    # `most_common_elem_freqs` ends with three more numbers (min, max, nulls): zip stops before.
    return frozenset(element for element, share in zip(elements, shares) if share >= COMMON_SHARE)


def forget() -> None:
    """Read the statistics again at the next search (tests; after a bulk load and ANALYZE)."""
    global _kept
    _kept = None
