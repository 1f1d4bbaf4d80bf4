"""Peak memory of reading hostile XLSX files (issue 12 item 4), against a normal small file.

    .venv/bin/python bench/bench_hostile_xlsx.py            # every hostile file, both upload paths
    .venv/bin/python bench/bench_hostile_xlsx.py --only huge_cell --paths import

Each hostile file of `collection/tests/hostile_xlsx.py` (a few MB, under the zip ratio check) and
a normal 1,000-row file are written to bench/out/hostile/, then each is read in a fresh child
process by each upload path that parses a spreadsheet:

- `import`: a provider's bulk import, `collection.bulk.open_table` and every row, as
  `run_import` reads it;
- `batch`: a government batch check's list, `inquiry.government.services.read_xlsx_lines`.

The child reports its peak RSS (`ru_maxrss`), what the reader answered (the refusal's message or
the rows read) and the seconds it took. Children run under an address-space limit
(`--memory-cap-mb`, 2,000 by default) so that a reader that would take the machine's memory fails
with MemoryError instead. The goal: every hostile file under 300 MB. No database is needed. Results
are printed and written to bench/out/bench_hostile_xlsx-<time>.json.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from process_memory import peak_rss_mb, rss_mb  # bench/, the folder of the script

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
FILES_DIR = OUT_DIR / "hostile"
GOAL_MB = 300
NORMAL = "normal_1000_rows"
PATHS = ("import", "batch")


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()


def write_files(only: list[str]) -> dict[str, Path]:
    from collection.tests.hostile_xlsx import HOSTILE, write_hostile

    FILES_DIR.mkdir(parents=True, exist_ok=True)
    files = {NORMAL: FILES_DIR / f"{NORMAL}.xlsx"}
    _write_normal(files[NORMAL])
    for kind in HOSTILE:
        if only and kind not in only:
            continue
        files[kind] = FILES_DIR / f"{kind}.xlsx"
        if not files[kind].exists():
            write_hostile(kind, files[kind])
    return files


def _write_normal(path: Path) -> None:
    """1,000 companies by name and a code, as Excel writes them (shared strings)."""
    from openpyxl import Workbook

    from collection.tests.factories import make_uscc

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(["名称", "统一社会信用代码"])
    for number in range(1_000):
        sheet.append([f"南通示例{number}号贸易有限公司", make_uscc(f"91320602MA{number:07d}")])
    workbook.save(path)


def child(path: Path, reader: str, cap_mb: int) -> dict:
    resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 1024 * 1024, cap_mb * 1024 * 1024))
    setup_django()
    started = time.perf_counter()
    rss_before = rss_mb()
    try:
        outcome = _read_import(path) if reader == "import" else _read_batch(path)
    except MemoryError:
        outcome = f"MemoryError at the {cap_mb} MB cap"
    return {
        "outcome": outcome,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": rss_before,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _read_import(path: Path) -> str:
    from collection.bulk import BulkFileError, Column, open_table

    columns = [Column(key="name", label="名称", type="text"), Column(key="code", label="统一社会信用代码", type="text")]
    try:
        with path.open("rb") as stream, open_table(stream, filename=path.name, columns=columns) as table:
            count = sum(1 for _row in table.rows())
    except BulkFileError as refused:
        return f"refused: {refused.message}"
    return f"read {count} rows"


def _read_batch(path: Path) -> str:
    from django.core.files import File

    from inquiry.government.services import ListRejected, read_xlsx_lines

    try:
        with path.open("rb") as stream:
            lines = read_xlsx_lines(File(stream, name=path.name))
    except ListRejected as refused:
        return f"refused: {refused.message}"
    return f"read {len(lines)} lines"


def run_child(path: Path, reader: str, cap_mb: int) -> dict:
    command = [sys.executable, __file__, "--child", str(path), "--reader", reader, "--memory-cap-mb", str(cap_mb)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {
            "outcome": f"child failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}",
            "peak_rss_mb": None,
            "seconds": None,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=[], help="hostile kinds to run (default: all)")
    parser.add_argument("--paths", nargs="*", default=list(PATHS), choices=PATHS)
    parser.add_argument("--memory-cap-mb", type=int, default=2_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "write":
        setup_django()
        print(json.dumps({kind: str(path) for kind, path in write_files(args.only).items()}))
        return
    if args.child:
        print(json.dumps(child(Path(args.child), args.reader, args.memory_cap_mb), ensure_ascii=False))
        return
    # The files are written by a child too: a child started from a big parent would report the
    # parent's peak as its own (ru_maxrss survives fork and exec).
    written = subprocess.run(
        [sys.executable, __file__, "--child", "write", "--only", *args.only], capture_output=True, text=True, check=True
    )
    files = {kind: Path(path) for kind, path in json.loads(written.stdout.strip().splitlines()[-1]).items()}
    results = {}
    for kind, path in files.items():
        for reader in args.paths:
            results[f"{kind}/{reader}"] = {
                "file_mb": round(path.stat().st_size / 1024 / 1024, 2),
                **run_child(path, reader, args.memory_cap_mb),
            }
    print(report(results, args.paths))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT_DIR / f"bench_hostile_xlsx-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


def report(results: dict, paths: list[str]) -> str:
    lines = [f"{'file':<22} {'path':<7} {'file MB':>8} {'peak MB':>8} {'× normal':>9} {'seconds':>8}  outcome"]
    worst = 0
    for key, result in results.items():
        kind, reader = key.split("/")
        normal = results.get(f"{NORMAL}/{reader}", {}).get("peak_rss_mb")
        peak = result["peak_rss_mb"]
        ratio = f"{peak / normal:.2f}" if peak and normal else "-"
        if kind != NORMAL:
            worst = max(worst, peak or 10**9)
        lines.append(
            f"{kind:<22} {reader:<7} {result['file_mb']:>8} {peak if peak is not None else '-':>8} "
            f"{ratio:>9} {result['seconds'] if result['seconds'] is not None else '-':>8}  "
            f"{result['outcome'][:90]}"
        )
    lines.append(
        f"goal: every hostile file under {GOAL_MB} MB peak: worst {worst} MB "
        f"({'met' if worst < GOAL_MB else 'NOT met'})"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
