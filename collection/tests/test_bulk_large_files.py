"""Reading uploaded bulk files: 100,000 rows stream with flat memory."""

import csv
import datetime
import os
import time
import tracemalloc
from collections.abc import Iterator

from collection.bulk import open_table

from .bulk_files import COLUMNS, HEADER, write_excel_like_xlsx

# --- 100,000 rows with flat memory --------------------------------------------------------------

BIG = 100_000


def _big_row(i: int) -> list[str]:
    return [
        f"南通第{i}号贸易有限公司",
        f"91320600MA{i:08d}",
        f"通市监罚〔2026〕{i}号",
        "罚款",
        "2026-01-05",
        f"{i / 100}",
        "是",
    ]


def _big_rows() -> Iterator[list[str]]:
    return (_big_row(i) for i in range(BIG))


def test_it_streams_a_100k_row_gbk_csv_with_flat_memory(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_big_rows())
    started, cpu = time.perf_counter(), time.process_time()
    tracemalloc.start()
    try:
        with open(path, "rb") as handle, open_table(handle, filename="big.csv", columns=COLUMNS) as table:
            count, last = _drain(table.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert count == BIG and last == (BIG + 1, dict(zip([c.key for c in COLUMNS], _big_row(BIG - 1), strict=True)))
    # The file is ~12 MB and 100,000 dicts would take ~70 MB; streaming stays at a few MB.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    print(f"\n100k-row CSV: {elapsed:.1f} s ({cpu:.1f} s CPU) under tracemalloc, peak {peak / 1e6:.1f} MB")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_it_streams_a_100k_row_xlsx_with_flat_memory(tmp_path):
    # Three columns: openpyxl parses only ~50,000 cells a second on a slow, shared machine.
    columns = [COLUMNS[0], COLUMNS[1], COLUMNS[4]]
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as handle:
        rows = ([row[0], row[1], datetime.date(2026, 1, 5)] for row in _big_rows())
        write_excel_like_xlsx(handle, [c.label for c in columns], rows, row_count=BIG)
    # tracemalloc slows openpyxl's parser fivefold; the process's resident memory, sampled while
    # streaming, shows the same thing at full speed (Linux /proc).
    started, cpu, baseline = time.perf_counter(), time.process_time(), _rss_bytes()
    count = 0
    with open(path, "rb") as handle, open_table(handle, filename="big.xlsx", columns=columns) as table:
        opened = peak = _rss_bytes()
        assert table.total_rows_hint == BIG
        for row_number, values in table.rows():  # noqa: B007 (the last row is checked below)
            count += 1
            if count % 5_000 == 0:
                peak = max(peak, _rss_bytes())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert count == BIG and row_number == BIG + 1
    assert values == {
        "name": f"南通第{BIG - 1}号贸易有限公司",
        "code": f"91320600MA{BIG - 1:08d}",
        "decided_on": "2026-01-05",
    }
    # Opening loads the shared-string table (here 200,000 distinct texts, ~17 MB), which any
    # reader must hold; Limits.max_part_bytes bounds it. While streaming, only openpyxl's emptied
    # row elements stay behind (~75 bytes a row); 100,000 dicts would take ~50 MB.
    assert opened - baseline < 96 * 1024 * 1024, f"opening took {(opened - baseline) / 1e6:.1f} MB"
    assert peak - opened < 24 * 1024 * 1024, f"streaming grew {(peak - opened) / 1e6:.1f} MB"
    print(
        f"\n100k-row XLSX: {elapsed:.1f} s ({cpu:.1f} s CPU); memory +{(opened - baseline) / 1e6:.1f} MB "
        f"at opening, +{(peak - opened) / 1e6:.1f} MB while streaming"
    )


def _drain(rows: Iterator) -> tuple[int, object]:
    count, last = 0, None
    for last in rows:  # noqa: B007 (the last row is what the caller gets back)
        count += 1
    return count, last
