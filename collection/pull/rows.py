"""A page's rows through the pipeline every channel shares: mapped onto the item's bulk layout
(`collection.bulk.layout`), checked by `check_submission`, refused rows located by field."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.models import CatalogItem, Provider
from nantong_credit.null_characters import NUL, nul_message

from ..bulk import RowError
from ..bulk.layout import ItemLayout, layout_for, locate_errors, row_to_submission
from ..selectors import PublishedItems
from ..services.batch import kind_conflicts
from ..services.checks import CheckedSubmission, CheckMemo, check_submission
from ..services.errors import SubmissionInvalid
from .pages import BAD_VALUE


def source_field(layout: ItemLayout, mapping: dict, column_key: str) -> list[str]:
    """Where a layout column is read from: the mapped source field, else its key, else its label."""
    mapped = str(mapping.get(column_key) or "").strip()
    return [mapped] if mapped else [column_key, layout.labels[column_key]]


@dataclass
class CheckedPage:
    checked: list[CheckedSubmission] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # row numbers are 1-based within the page

    @property
    def rejected_rows(self) -> int:
        return len({error.row_number for error in self.errors})


class PageChecker:
    def __init__(self, *, provider: Provider, item: CatalogItem, mapping: dict, items: PublishedItems):
        self.provider, self.item, self.items = provider, item, items
        self.layout = layout_for(item)
        self.fields = {key: source_field(self.layout, mapping, key) for key in self.layout.labels}
        self.memo = CheckMemo()

    def check(self, rows: list[dict[str, object]]) -> CheckedPage:
        result = CheckedPage()
        numbers: list[int] = []
        first_row_of_key: dict[str, int] = {}
        for number, row in enumerate(rows, start=1):
            found = self._check_row(number, row, first_row_of_key)
            if isinstance(found, CheckedSubmission):
                result.checked.append(found)
                numbers.append(number)
            else:
                result.errors.extend(found)
        conflicts = kind_conflicts(result.checked)  # an identifier already another kind's
        for index in sorted(conflicts, reverse=True):
            result.errors.append(RowError(numbers[index], "", conflicts[index]))
            del result.checked[index]
        result.errors.sort(key=lambda error: error.row_number)
        return result

    def _values(self, row: dict[str, object]) -> tuple[dict[str, str], list[RowError]]:
        values: dict[str, str] = {}
        problems: list[str] = []
        for key, names in self.fields.items():
            name = next((n for n in names if n in row), None)
            if name is None:
                continue
            value = row[name]
            if value is BAD_VALUE:
                problems.append(key)
                continue
            values[key] = str(value).strip()
        return values, [
            RowError(0, self.layout.labels[key], _("应为文字、数字、是/否或文字数组，收到对象")) for key in problems
        ]

    def _check_row(
        self, number: int, row: dict[str, object], first_row_of_key: dict[str, int]
    ) -> CheckedSubmission | list[RowError]:
        values, bad = self._values(row)
        if bad:
            return [RowError(number, error.column, error.message) for error in bad]
        nul = [key for key, value in values.items() if NUL in value]
        if nul:  # PostgreSQL refuses it; every channel refuses it with the same words
            return [RowError(number, self.layout.labels[key], nul_message()) for key in nul]
        submission = row_to_submission(self.layout, values)
        if submission.source_key:
            first = first_row_of_key.setdefault(submission.source_key, number)
            if first != number:
                submission.problems.setdefault(
                    self.layout.key_column,
                    _("与本页第%(row)d行的业务编号相同；同一页中每条记录只能出现一次") % {"row": first},
                )
        try:
            checked = check_submission(
                provider=self.provider,
                item_code=self.item.code,
                source_key=submission.source_key,
                subject=submission.subject,
                data=submission.data,
                items=self.items,
                memo=self.memo,
            )
        except SubmissionInvalid as exc:
            return locate_errors(self.layout, submission, values, number, exc.errors)
        if submission.problems:
            return locate_errors(self.layout, submission, values, number, {})
        return checked
