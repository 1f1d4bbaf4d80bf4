"""How a row of a bulk-import file (批量导入, SPEC §3) becomes a submission (`submit_record`'s
arguments) — `ItemLayout` — and the template a department downloads for one catalog item:

- The file has the item's own fields as columns, headed exactly by their catalog labels, in
  catalog order: a department's 双公示 export already has them.
- The subject comes from the item's own subject fields where it has them: its name from
  `subject_name` (or `person_name`); its kind from `subject_category` (行政相对人类别:
  法人及非法人组织 / 个体工商户 / 自然人), else from the only kind the item applies to, else from the
  identifier (a 统一社会信用代码 starting 92 is an 个体工商户's, any other an organisation's, an ID
  number a natural person's); its identifier from `uscc` for organisations and individual
  businesses and from `id_number` (a 公民身份号码) for natural persons.
- The provider's key (业务编号) is the item's document-number field when it has a required one
  (`penalty_document_number`, `document_number`, `certificate_number`, in that order) and, for
  registration items, the subject's `uscc` (one registration record per subject and provider).
- Whatever the item lacks gets a leading column of its own: 业务编号, 主体类别, 主体名称,
  信用唯一识别码. An item created by a catalog admin with other fields still gets a usable file.

The template's 填写说明 sheet says all this for the item in question.
"""

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.models import CatalogField, CatalogItem, Category, FieldType, SubjectKind

from ..identifiers import INDIVIDUAL_BUSINESS_PREFIX, mask_id_numbers_in_text, tidy
from ..services.checks import SOURCE_KEY_MAX
from . import DEFAULT_LIMITS, Column, Limits, RowError, build_csv_template, build_xlsx_template
from .columns import MULTIPLE_SEPARATOR

LEGAL, BUSINESS, PERSON = (
    SubjectKind.LEGAL_PERSON.value,
    SubjectKind.INDIVIDUAL_BUSINESS.value,
    SubjectKind.NATURAL_PERSON.value,
)
# 行政相对人类别 as the 双公示 standard spells it (and the common variant of the first).
CATEGORY_KINDS = {"法人及非法人组织": LEGAL, "法人和非法人组织": LEGAL, "个体工商户": BUSINESS, "自然人": PERSON}
CATEGORY_LABELS = ["法人及非法人组织", "个体工商户", "自然人"]
KEY_FIELDS = ("penalty_document_number", "document_number", "certificate_number")
NAME_FIELDS = ("subject_name", "person_name")
CATEGORY_FIELD, USCC_FIELD, ID_FIELD, ID_TYPE_FIELD = "subject_category", "uscc", "id_number", "id_type"
RESIDENT_ID_CARD = "身份证"
# Keys of the columns an item may lack; catalog keys never start with "_".
SOURCE_KEY, KIND, NAME, IDENTIFIER = "_source_key", "_subject_kind", "_subject_name", "_subject_identifier"


def import_limits() -> Limits:
    """The bulk layer's limits, with the file size and row count a deployment may lower."""
    return Limits(
        max_bytes=getattr(settings, "BULK_IMPORT_MAX_BYTES", DEFAULT_LIMITS.max_bytes),
        max_rows=getattr(settings, "BULK_IMPORT_MAX_ROWS", DEFAULT_LIMITS.max_rows),
    )


@dataclass(frozen=True)
class ItemLayout:
    item: CatalogItem
    columns: tuple[Column, ...]
    key_field: str | None
    name_field: str | None
    category_field: str | None
    uscc_field: str | None
    id_field: str | None
    id_type_field: str | None
    splits_on_comma: frozenset[str]  # multiple-choice fields where "、" separates values too
    data_keys: tuple[str, ...]  # the item's own fields, in catalog order

    @cached_property  # asked several times per row
    def labels(self) -> dict[str, str]:
        return {column.key: column.label for column in self.columns}

    @property
    def key_column(self) -> str:
        return self.key_field or SOURCE_KEY

    @property
    def name_column(self) -> str:
        return self.name_field or NAME


def layout_for(item: CatalogItem) -> ItemLayout:
    fields = {f.key: f for f in item.fields.all()}
    key_field = _key_field(item, fields)
    name_field = next((key for key in NAME_FIELDS if key in fields), None)
    category_field = CATEGORY_FIELD if CATEGORY_FIELD in fields else None
    uscc_field = USCC_FIELD if USCC_FIELD in fields else None
    id_field = ID_FIELD if ID_FIELD in fields else None
    extra = []
    if key_field is None:
        extra.append(
            Column(
                key=SOURCE_KEY,
                label=_("业务编号"),
                required=True,
                max_length=SOURCE_KEY_MAX,
                help_text=_("本单位标识该条记录的编号（如决定文书号）；同一编号再次导入即更新原记录"),
            )
        )
    kinds = [k for k in item.subject_kinds if k in SubjectKind.values]
    if category_field is None and len(kinds) > 1 and uscc_field is None and id_field is None:
        extra.append(
            Column(
                key=KIND,
                label=_("主体类别"),
                type=FieldType.CHOICE,
                required=True,
                choices=[label for label in CATEGORY_LABELS if CATEGORY_KINDS[label] in kinds],
            )
        )
    if name_field is None:
        extra.append(Column(key=NAME, label=_("主体名称"), required=True, max_length=200))
    if uscc_field is None and id_field is None:
        extra.append(
            Column(
                key=IDENTIFIER,
                label=_("信用唯一识别码"),
                type=FieldType.IDENTIFIER,
                required=True,
                help_text=_("法人及非法人组织、个体工商户填统一社会信用代码，自然人填公民身份号码"),
            )
        )
    own = [_column(f, is_key=f.key == key_field) for f in fields.values()]
    return ItemLayout(
        item=item,
        columns=(*extra, *own),
        key_field=key_field,
        name_field=name_field,
        category_field=category_field,
        uscc_field=uscc_field,
        id_field=id_field,
        id_type_field=ID_TYPE_FIELD if ID_TYPE_FIELD in fields else None,
        splits_on_comma=frozenset(
            f.key
            for f in fields.values()
            if f.type == FieldType.CHOICE and f.multiple and not any("、" in choice for choice in f.choices)
        ),
        data_keys=tuple(fields),
    )


def _key_field(item: CatalogItem, fields: dict[str, CatalogField]) -> str | None:
    candidates = [*KEY_FIELDS, USCC_FIELD] if item.category == Category.REGISTRATION else list(KEY_FIELDS)
    for key in candidates:
        f = fields.get(key)
        if f is not None and f.required and f.type in (FieldType.TEXT, FieldType.IDENTIFIER):
            return key
    return None


def _column(f: CatalogField, *, is_key: bool) -> Column:
    help_text = f.help_text
    if is_key:
        help_text = "；".join(filter(None, [help_text, _("作为本单位业务编号：同一编号再次导入即更新原记录")]))
    return Column(
        key=f.key,
        label=f.label,
        type=f.type,
        required=f.required,
        choices=f.choices,
        multiple=f.multiple,
        help_text=help_text,
        max_length=f.max_length,
    )


@dataclass
class RowSubmission:
    """A row as `check_submission` takes it, plus the problems only the file layout can have."""

    source_key: str
    subject: dict
    data: dict
    identifier_column: str | None
    kind_column: str | None
    problems: dict[str, str] = field(default_factory=dict)  # column key → message


def row_to_submission(layout: ItemLayout, values: dict[str, str]) -> RowSubmission:
    data = {key: values[key] for key in layout.data_keys if key in values}
    for key in layout.splits_on_comma:
        if key in data:
            data[key] = data[key].replace("、", MULTIPLE_SEPARATOR)
    key_text = values.get(layout.key_column, "")
    source_key = tidy(key_text) if layout.key_field == USCC_FIELD else key_text
    problems: dict[str, str] = {}
    kind, kind_column = _kind(layout, values, problems)
    identifier_column = _identifier_column(layout, kind)
    if kind == PERSON and layout.id_type_field and values.get(layout.id_type_field):
        if _folded(values[layout.id_type_field]) != RESIDENT_ID_CARD:
            problems[layout.id_type_field] = _("自然人以公民身份号码作为信用唯一识别码，“证件类型”应为“身份证”")
    subject = {
        "kind": kind,
        "name": values.get(layout.name_column, ""),
        "identifier": values.get(identifier_column, "") if identifier_column else "",
    }
    return RowSubmission(source_key, subject, data, identifier_column, kind_column, problems)


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _kind(layout: ItemLayout, values: dict[str, str], problems: dict[str, str]) -> tuple[str, str | None]:
    """The subject's kind, and the column it was read from (None when derived)."""
    for column in (layout.category_field, KIND):
        if column is None or column not in layout.labels:
            continue
        text = values.get(column, "")
        if not text:
            if column == KIND:
                problems[column] = _("未填写主体类别")
            break  # a required category column reports its own emptiness
        kind = CATEGORY_KINDS.get(_folded(text))
        if kind is None and column == KIND:
            problems[column] = _("主体类别应为法人及非法人组织、个体工商户或自然人")
        elif kind is None and not _is_choice_error_reported(layout, column, text):
            problems[column] = _("无法根据“%(value)s”确定主体类别（应为法人及非法人组织、个体工商户或自然人）") % {
                "value": text[:30]
            }
        return kind or "", column
    return _derived_kind(layout, values), None


def _is_choice_error_reported(layout: ItemLayout, column: str, text: str) -> bool:
    """Whether the field's own choice check will refuse `text` (no second message needed)."""
    f = next(f for f in layout.item.fields.all() if f.key == column)
    return f.type == FieldType.CHOICE and unicodedata.normalize("NFKC", text).strip() not in {
        unicodedata.normalize("NFKC", choice).strip() for choice in f.choices
    }


def _derived_kind(layout: ItemLayout, values: dict[str, str]) -> str:
    kinds = [k for k in layout.item.subject_kinds if k in SubjectKind.values]
    if len(kinds) == 1:
        return kinds[0]
    code = tidy(values.get(layout.uscc_field or IDENTIFIER, ""))
    if code:
        return BUSINESS if code.startswith(INDIVIDUAL_BUSINESS_PREFIX) else LEGAL
    if layout.id_field and values.get(layout.id_field):
        return PERSON
    # Nothing identifies the subject: any organisation kind, so that only that is reported.
    return next((k for k in kinds if k != PERSON), kinds[0] if kinds else LEGAL)


def _identifier_column(layout: ItemLayout, kind: str) -> str | None:
    if IDENTIFIER in layout.labels:
        return IDENTIFIER
    if kind == PERSON:
        return layout.id_field
    return layout.uscc_field


def locate_errors(
    layout: ItemLayout, row: RowSubmission, values: dict[str, str], row_number: int, errors: dict[str, list[str]]
) -> list[RowError]:
    """The row's problems as the user sees the file: row number, column label, reason, value.

    A consequence reported twice in one cell (an invalid code is both a wrong data field and a
    wrong subject identifier) is reported once: the field's own message is kept.
    """
    by_column: dict[str, list[str]] = {key: [message] for key, message in row.problems.items()}
    # The fields' own messages first, so that a subject's message about the same cell yields.
    for path, messages in sorted(errors.items(), key=lambda pair: pair[0].startswith("subject.")):
        column = _column_of(layout, row, path)
        if path.startswith("subject.") and column in by_column:
            continue
        kept = by_column.setdefault(column, [])
        kept.extend(message for message in messages if message not in kept)
    labels, order = layout.labels, {key: i for i, key in enumerate(layout.labels)}
    return [
        # The value is kept to show the department its cell; an ID number in it only masked.
        RowError(
            row_number,
            labels.get(column, ""),
            str(message),
            mask_id_numbers_in_text(values.get(column, "")) if column else "",
        )
        for column in sorted(by_column, key=lambda key: order.get(key, -1))
        for message in by_column[column]
    ]


def _column_of(layout: ItemLayout, row: RowSubmission, path: str) -> str:
    if path.startswith("data."):
        return path[len("data.") :]
    return {
        "source_key": layout.key_column,
        "subject.name": layout.name_column,
        "subject.identifier": row.identifier_column or "",
        "subject.kind": row.kind_column or row.identifier_column or "",
    }.get(path, "")


# --- Templates ----------------------------------------------------------------------------------


def template_xlsx(item: CatalogItem) -> bytes:
    layout = layout_for(item)
    return build_xlsx_template(
        title=_template_title(item), columns=layout.columns, limits=import_limits(), notes=item_notes(layout)
    )


def template_csv(item: CatalogItem) -> bytes:
    return build_csv_template(columns=layout_for(item).columns)


def template_filename(item: CatalogItem, extension: str) -> str:
    return f"{item.name}-批量导入模板.{extension}"


def _template_title(item: CatalogItem) -> str:
    return _("%(name)s（%(code)s）批量导入模板") % {"name": item.name, "code": item.code}


def item_notes(layout: ItemLayout) -> list[str]:
    """How this item's file is read, in the words of the template (and of the upload page)."""
    labels, item = layout.labels, layout.item
    quoted = {key: f"“{label}”" for key, label in labels.items()}
    notes = [_subject_note(layout, quoted)]
    key = quoted[layout.key_column]
    notes.append(
        _(
            "以%(key)s作为本单位的业务编号：同一编号再次导入时更新原记录（内容未变的不作改动，有变化的保留历史版本），"
            "不会重复新增；同一文件中同一编号只能出现一次。"
        )
        % {"key": key}
    )
    if item.submission_deadline_workdays is not None:
        notes.append(
            _("报送时限：自决定作出之日起%(n)d个工作日内报送，逾期的记为逾期报送。")
            % {"n": item.submission_deadline_workdays}
        )
    notes.append(
        _(
            "上传后平台先逐行校验全部数据，全部无误才一次性导入；任何一行有误则整批不导入，"
            "并列出每个错误的行号、列和原因，可下载错误报告，改正后重新上传即可。"
        )
    )
    return notes


def _subject_note(layout: ItemLayout, quoted: dict[str, str]) -> str:
    parts = [_("信息主体：%(name)s为主体名称") % {"name": quoted[layout.name_column]}]
    if layout.category_field or KIND in quoted:
        parts.append(_("按%(kind)s确定主体类别") % {"kind": quoted[layout.category_field or KIND]})
    if IDENTIFIER in quoted:
        parts.append(_("以%(id)s识别") % {"id": quoted[IDENTIFIER]})
    else:
        if layout.uscc_field:
            parts.append(_("法人及非法人组织、个体工商户以%(uscc)s识别") % {"uscc": quoted[layout.uscc_field]})
        if layout.id_field:
            parts.append(
                _("自然人以%(id)s（18位公民身份号码，证件类型填身份证）识别") % {"id": quoted[layout.id_field]}
            )
    return "，".join(parts) + "。"
