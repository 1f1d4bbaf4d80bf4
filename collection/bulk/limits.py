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
    # One worksheet's XML, as the zip declares it: 200,000 rows of 30 columns of text written
    # inline take about 400 MB. Worksheets are streamed, so this bounds time only.
    max_sheet_bytes: int = 512 * MIB
    # Any other member (shared strings, styles, workbook). Shared strings are kept on disk while
    # reading (xlsx_guard.SpilledStrings); openpyxl loads the rest whole into memory. 200,000 rows
    # with three distinct texts each need about 30 MB.
    max_part_bytes: int = 64 * MIB
    # Real spreadsheets compress 5–50×; a deflate bomb reaches ~1000×. Only members larger than
    # ratio_floor_bytes are judged, as tiny parts can have any ratio.
    max_compression_ratio: int = 200
    ratio_floor_bytes: int = 1 * MIB
    # While reading (xlsx_guard): what one piece of XML may expand to before it reaches openpyxl,
    # which builds each row, and every element it does not know, as a tree in memory.
    # Excel holds at most 32,767 characters in a cell and 16,384 columns in a row.
    max_xml_text_chars: int = 32_767
    # A cell's XML: 32,767 characters written as character references take ~260 KB.
    max_cell_bytes: int = 512 * 1024
    max_row_cells: int = 16_384
    # Elements of one row (cells, values, rich-text runs), and the bytes of any element other
    # than the sheet's data: a row or a stray element is a tree of at most a few tens of MB.
    max_row_elements: int = 100_000
    max_element_bytes: int = 8 * MIB
    # Cells in all: max_rows rows of 50 columns (the widest catalog item has fewer than 40).
    max_cells: int = 10_000_000
    # Elements outside the rows (columns, merged ranges, links, validations, …), kept by openpyxl.
    max_loose_elements: int = 100_000
    max_xml_depth: int = 64
    # Entries of the shared-string table (one per distinct text): 8 bytes each in memory.
    max_shared_strings: int = 2_000_000


DEFAULT_LIMITS = Limits()
