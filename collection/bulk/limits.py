"""Limits that keep a hostile or accidental monster file from taking the server down."""

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # The upload itself. 200,000 rows of a typical catalog item are ~30 MB as CSV, ~15 MB as XLSX.
    max_bytes: int = 50 * MIB
    # Data rows after the header, counted as Excel numbers them (blank rows included), so that a
    # sheet claiming a row 1,000,000,000 is refused after max_rows steps instead of looping.
    max_rows: int = 200_000
    max_columns: int = 200
    # Longest cell; csv's own field limit (131,072) stays above it.
    max_cell_chars: int = 10_000
    # XLSX is a zip: its directory is checked before anything is decompressed.
    max_zip_members: int = 1_000
    # Sum of the declared uncompressed sizes. Worksheets are streamed, so this bounds time only.
    max_uncompressed_bytes: int = 1024 * MIB
    # Any member other than a worksheet (shared strings, styles, workbook): openpyxl loads these
    # whole into memory, the shared strings at about twice their XML size, so this bounds memory
    # (~130 MB at most). 200,000 rows with three distinct texts each need about 30 MB.
    max_part_bytes: int = 64 * MIB
    # Real spreadsheets compress 5–50×; a deflate bomb reaches ~1000×. Only members larger than
    # ratio_floor_bytes are judged, as tiny parts can have any ratio.
    max_compression_ratio: int = 200
    ratio_floor_bytes: int = 1 * MIB


DEFAULT_LIMITS = Limits()
