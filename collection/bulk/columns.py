"""How the caller describes the columns of a bulk file."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# What the user types between the values of a multiple-choice column; the half-width ";" and
# the enumeration comma "、" are accepted too because people type them.
MULTIPLE_SEPARATOR = "；"
_MULTIPLE_SPLIT = re.compile(r"[；;、]")


class ColumnType(StrEnum):
    """The same codes as catalog.models.FieldType, repeated so this package stays model-free."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    CHOICE = "choice"
    IDENTIFIER = "identifier"
    BOOLEAN = "boolean"


# How the explanation sheet names each type to the person filling the file in.
TYPE_LABELS = {
    ColumnType.TEXT: _("文本"),
    ColumnType.INTEGER: _("整数"),
    ColumnType.DECIMAL: _("数字（可带小数）"),
    ColumnType.DATE: _("日期（如 2026-01-05）"),
    ColumnType.CHOICE: _("选项"),
    ColumnType.IDENTIFIER: _("证件号码（统一社会信用代码或身份证号，按文本填写）"),
    ColumnType.BOOLEAN: _("是/否"),
}

# Columns whose cells must stay text in Excel: leading zeros and 18-digit numbers survive only so.
TEXT_FORMATTED_TYPES = frozenset({ColumnType.TEXT, ColumnType.IDENTIFIER, ColumnType.CHOICE})


@dataclass(frozen=True)
class Column:
    """One column of a bulk file; `key` is what the caller gets back, `label` what users see."""

    key: str
    label: str
    type: str = ColumnType.TEXT
    required: bool = False
    choices: Sequence[str] = field(default_factory=tuple)
    multiple: bool = False
    help_text: str = ""
    max_length: int | None = None

    def __post_init__(self) -> None:
        # A wrong type or an empty key is a programming error of the caller, not a user error.
        object.__setattr__(self, "type", ColumnType(self.type))
        object.__setattr__(self, "choices", tuple(str(choice) for choice in self.choices))
        if not self.key or not str(self.label).strip():
            raise ValueError("a bulk-file column needs a key and a label")

    @property
    def is_text_formatted(self) -> bool:
        return self.type in TEXT_FORMATTED_TYPES


def check_unique_keys(columns: Sequence[Column]) -> None:
    keys = [column.key for column in columns]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate column keys: {keys}")


def split_multiple(value: str) -> list[str]:
    """The values of a multiple-choice cell, e.g. "甲；乙" → ["甲", "乙"] (empty parts dropped)."""
    return [part.strip() for part in _MULTIPLE_SPLIT.split(value) if part.strip()]
