"""The files providers fill in: an XLSX template with instructions, and a CSV variant.

Sheet 1 "数据" has the header in row 1 (what the reader expects), sheet 2 "填写说明" explains
each column, and a hidden sheet holds the options of long choice lists.
"""

import unicodedata
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from nantong_credit.spreadsheets import HEADER_FILL, CellStyle, Sheet, SpreadsheetWriter, csv_bytes

from .columns import MULTIPLE_SEPARATOR, TYPE_LABELS, Column, ColumnType, check_unique_keys
from .limits import DEFAULT_LIMITS, Limits

REQUIRED_MARK = "*"
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
# Excel refuses an inline list ("甲,乙,丙") longer than 255 characters.
INLINE_LIST_MAX_CHARS = 255
# Excel's limits for the input message shown when a cell is selected.
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="9BB7D4")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
# Whole numbers Excel still holds exactly (15 digits).
NUMBER_BOUND = "999999999999999"
# Serial numbers of 1900-01-01 and 2099-12-31 for the date validation.
FIRST_DATE_SERIAL, LAST_DATE_SERIAL = "1", "73050"


def header_text(column: Column) -> str:
    return f"{column.label}{REQUIRED_MARK}" if column.required else column.label


def build_xlsx_template(
    *, title: str, columns: Sequence[Column], limits: Limits = DEFAULT_LIMITS, notes: Sequence[str] = ()
) -> bytes:
    """The template; `notes` are the item's own rules, listed after the general ones."""
    check_unique_keys(columns)
    writer = SpreadsheetWriter(title=title)
    data = writer.add_sheet(_("数据"), freeze="A2")
    _write_header(data, columns)
    _write_instructions(writer.add_sheet(_("填写说明")), title=title, columns=columns, limits=limits, notes=notes)
    _add_validations(writer, data, columns, last_row=limits.max_rows + 1)
    return writer.to_bytes()


def build_csv_template(*, columns: Sequence[Column]) -> bytes:
    """The header row only, UTF-8 with a BOM (without it Excel in China shows mojibake)."""
    check_unique_keys(columns)
    return csv_bytes([[header_text(c) for c in columns]])


# Sheet 1: the data sheet.


def _write_header(sheet: Sheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.set_widths([_width(column)], first_column=index)
        sheet.set_column_format(index, _number_format(column))
    sheet.set_row_height(1, 30)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(
        [header_text(column) for column in columns],
        styles={
            position: CellStyle(
                font=REQUIRED_FONT if column.required else OPTIONAL_FONT,
                fill=HEADER_FILL,
                border=BORDER,
                alignment=centred,
            )
            for position, column in enumerate(columns)
        },
    )


def _number_format(column: Column) -> str:
    if column.type == ColumnType.DATE:
        return DATE_FORMAT
    if column.type == ColumnType.INTEGER:
        return "0"
    if column.is_text_formatted:
        return TEXT_FORMAT  # keeps leading zeros, and 18-digit IDs out of 3.20602E+17
    return "General"


def _width(column: Column) -> float:
    by_type = {
        ColumnType.IDENTIFIER: 24,
        ColumnType.DATE: 14,
        ColumnType.INTEGER: 12,
        ColumnType.DECIMAL: 14,
        ColumnType.BOOLEAN: 8,
    }
    wanted = by_type.get(column.type, 20)
    if column.type == ColumnType.TEXT and column.max_length:
        wanted = min(max(16, column.max_length // 4), 40)
    longest_choice = max((_display_width(choice) for choice in column.choices), default=0)
    wanted = max(wanted, _display_width(header_text(column)) + 4, longest_choice + 2)
    return min(wanted, 50)


def _display_width(text: str) -> int:
    # A Chinese character takes two character widths in Excel's column width unit.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _add_validations(writer: SpreadsheetWriter, sheet: Sheet, columns: Sequence[Column], *, last_row: int) -> None:
    listed = {
        index: column.choices
        for index, column in enumerate(columns, start=1)
        if column.type == ColumnType.CHOICE and _needs_options_sheet(column.choices)
    }
    options_title = _options_sheet(writer, listed) if listed else ""
    for index, column in enumerate(columns, start=1):
        list_formula = _options_range(options_title, index, len(listed[index])) if index in listed else None
        validation = _validation(column, list_formula=list_formula)
        if validation is None:
            continue
        _set_prompt(validation, column)
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.validate(validation)


def _needs_options_sheet(choices: Sequence[str]) -> bool:
    inline = ",".join(choices)
    return len(inline) > INLINE_LIST_MAX_CHARS or any("," in c or '"' in c for c in choices)


def _options_sheet(writer: SpreadsheetWriter, listed: dict[int, Sequence[str]]) -> str:
    """A hidden sheet holding each long choice list down the column of the same letter."""
    sheet = writer.add_sheet(_("选项"))
    sheet.hide()
    width = max(listed)
    for row in range(max(len(choices) for choices in listed.values())):
        values = [None] * width
        for index, choices in listed.items():
            if row < len(choices):
                values[index - 1] = choices[row]
        sheet.append(values)
    return sheet.title


def _options_range(sheet_title: str, index: int, count: int) -> str:
    letter = get_column_letter(index)
    return f"{quote_sheetname(sheet_title)}!${letter}$1:${letter}${count}"


def _validation(column: Column, *, list_formula: str | None) -> DataValidation | None:
    kind = column.type
    if kind == ColumnType.CHOICE and column.choices:
        source = list_formula or '"' + ",".join(column.choices) + '"'
        # Several values separated by "；" are no single option: offer the list, allow free text.
        return DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=not column.multiple)
    if kind == ColumnType.BOOLEAN:
        yes_no = f'"{_("是")},{_("否")}"'
        return DataValidation(type="list", formula1=yes_no, allow_blank=True, showErrorMessage=True)
    if kind == ColumnType.DATE:
        return DataValidation(
            type="date",
            operator="between",
            formula1=FIRST_DATE_SERIAL,
            formula2=LAST_DATE_SERIAL,
            allow_blank=True,
            showErrorMessage=True,
        )
    if kind in (ColumnType.INTEGER, ColumnType.DECIMAL):
        return DataValidation(
            type="whole" if kind == ColumnType.INTEGER else "decimal",
            operator="between",
            formula1=f"-{NUMBER_BOUND}",
            formula2=NUMBER_BOUND,
            allow_blank=True,
            showErrorMessage=True,
        )
    if column.max_length:
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(column.max_length),
            allow_blank=True,
            showErrorMessage=True,
        )
    return None


def _set_prompt(validation: DataValidation, column: Column) -> None:
    validation.showInputMessage = True
    validation.promptTitle = column.label[:PROMPT_TITLE_MAX]
    validation.prompt = _column_hint(column)[:PROMPT_MAX]
    validation.errorTitle = _("输入有误")[:PROMPT_TITLE_MAX]
    validation.error = (_("“%(label)s”应填写：%(hint)s") % {"label": column.label, "hint": _column_hint(column)})[
        :PROMPT_MAX
    ]


def _column_hint(column: Column) -> str:
    parts = [str(TYPE_LABELS[column.type])]
    if column.type == ColumnType.CHOICE:
        parts.append(_("从下拉列表中选择"))
        if column.multiple:
            parts.append(_("可填多个，以“%(sep)s”分隔") % {"sep": MULTIPLE_SEPARATOR})
    if column.max_length:
        parts.append(_("不超过 %(count)s 个字") % {"count": column.max_length})
    if column.help_text:
        parts.append(column.help_text)
    return "；".join(parts)


# Sheet 2: the instructions.


def _write_instructions(
    sheet: Sheet, *, title: str, columns: Sequence[Column], limits: Limits, notes: Sequence[str]
) -> None:
    sheet.set_widths((24, 18, 22, 10, 40, 10, 50))
    sheet.append([_("%(title)s — 填写说明") % {"title": title}], style=CellStyle(font=Font(bold=True, size=14)))
    sheet.append([])
    _write_numbered(sheet, _general_rules(limits))
    sheet.append([])
    headings = [_("列名"), _("字段代码"), _("类型"), _("是否必填"), _("可选值"), _("最大长度"), _("填写说明")]
    sheet.append(headings, style=CellStyle(font=OPTIONAL_FONT, fill=HEADER_FILL, border=BORDER))
    for column in columns:
        sheet.append(_explanation(column), style=CellStyle(alignment=WRAP, border=BORDER))
    if notes:
        sheet.append([])
        sheet.append([_("本事项的特别说明")], style=CellStyle(font=Font(bold=True, size=12)))
        _write_numbered(sheet, notes)


def _write_numbered(sheet: Sheet, lines: Sequence[str]) -> None:
    for number, line in enumerate(lines, start=1):
        sheet.append([f"{number}. {line}"])
        sheet.merge(f"A{sheet.rows_written}:G{sheet.rows_written}")


def _explanation(column: Column) -> list[str]:
    choices = "、".join(column.choices)
    if column.choices and column.multiple:
        choices += _("（可多选，以“%(sep)s”分隔）") % {"sep": MULTIPLE_SEPARATOR}
    if column.type == ColumnType.BOOLEAN:
        choices = _("是、否")
    return [
        column.label,
        column.key,
        str(TYPE_LABELS[column.type]),
        _("必填") if column.required else _("选填"),
        choices,
        str(column.max_length) if column.max_length else "",
        column.help_text,
    ]


def _general_rules(limits: Limits) -> list[str]:
    return [
        _("在“数据”工作表中填写，每行一条记录；第 1 行是表头，请勿修改、删除或调换列名，也不要合并单元格。"),
        _("列名带 %(mark)s 的为必填列。选填的值没有时请留空，不要填写“无”“/”“— —”等。") % {"mark": REQUIRED_MARK},
        _("日期写作 2026-01-05 的形式。"),
        _("多个选项写在同一单元格中，以中文分号“%(sep)s”分隔。") % {"sep": MULTIPLE_SEPARATOR},
        _("证件号码等列已设为文本格式，请勿改为数字格式，否则 18 位号码会被 Excel 改变、以 0 开头的代码会丢失 0。"),
        _("不要使用公式；从其他表格复制时请“选择性粘贴 → 数值”。"),
        _("一个文件最多 %(rows)s 行数据、%(size)s MB；更多的数据请拆分为多个文件。")
        % {"rows": limits.max_rows, "size": limits.max_bytes // (1024 * 1024)},
        _("也可以另存为 CSV 文件上传（UTF-8 或 GBK 编码均可），列名与本模板相同。"),
        _("同一批次中只要有一行有误，整批都不会导入；系统会列出每个有误的行号、列和原因，改正后重新上传即可。"),
    ]
