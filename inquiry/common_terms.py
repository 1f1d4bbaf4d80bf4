"""How common a name term is, alone or within a filter, from PostgreSQL's own statistics.

A term found in one name of thirty or more (有限, 公司, 科, 责) is best found by reading names in
table order until a page's worth of matches is in hand, and then `name LIKE '%责%'` tests a
name three times faster than `name_grams @> ARRAY['责']` (the array is the last column of a wide
row): 5 against 14 ms at 1,000,000 names (bench/README.md). A rarer term must use an index:
read in table order, 锦 (one name in 170) takes 135 ms, and 有限 among 个体工商户 (none at all)
1.3 s.

`ANALYZE` (autovacuum runs it) keeps the commonest elements of `name_grams` with their shares
in `pg_stats`, and those of the filter keys (`k:个体工商户|有限`, see migration `inquiry.0005`)
under the name of their index; each process reads them at most once every `REFRESH_SECONDS`.
An element missing from the statistics is rarer than every one kept: its share counts as 0.
"""

import threading
import time
from dataclasses import dataclass

from django.db import connection

from collection.models import Subject

# From this share of names on, reading in table order wins (measured: 3 % → ~17,000 names read
# for 500 matches, ~7 ms; the index then costs about as much).
COMMON_SHARE = 0.03
REFRESH_SECONDS = 3600.0
FILTER_KEYS_INDEX = "subject_filter_keys_gin"

_STATS = (
    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
    "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s"
)


@dataclass(frozen=True)
class Shares:
    grams: dict[str, float]
    filter_keys: dict[str, float]


_lock = threading.Lock()
_kept: tuple[float, Shares] | None = None


def share(gram: str) -> float:
    """The share of public names holding `gram` (lower case, one or two characters)."""
    return _shares().grams.get(gram, 0.0)


def filter_key_share(key: str) -> float:
    """The share of public subjects holding a filter key such as `d:海安市|南`."""
    return _shares().filter_keys.get(key, 0.0)


def is_common(term: str) -> bool:
    """Whether `term` (lower case, one or two characters) is in at least `COMMON_SHARE` of the
    names, as of the last `ANALYZE`. False without statistics (a new database): the index is
    never a wrong choice, only a slower one for common terms."""
    return share(term) >= COMMON_SHARE


def _shares() -> Shares:
    global _kept
    now = time.monotonic()
    kept = _kept
    if kept is not None and now - kept[0] < REFRESH_SECONDS:
        return kept[1]
    with _lock:
        shares = Shares(
            grams=_read_shares(Subject._meta.db_table, "name_grams"),
            filter_keys=_read_shares(FILTER_KEYS_INDEX, "inquiry_filter_keys"),
        )
        _kept = (now, shares)
    return shares


def _read_shares(relation: str, column: str) -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(_STATS, [relation, column])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return {}
    elements, shares = row
    # `most_common_elem_freqs` ends with three more numbers (min, max, nulls): zip stops before.
    return dict(zip(elements, shares, strict=False))


def forget() -> None:
    """Read the statistics again at the next search (tests; after a bulk load and ANALYZE)."""
    global _kept
    _kept = None
