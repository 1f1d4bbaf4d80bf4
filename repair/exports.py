"""The center's repair dashboard as an XLSX workbook: the stages, one row per provider, and the
overdue cases, with the same numbers as the page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from nantong_credit.spreadsheets import BOLD, SpreadsheetWriter
from nantong_credit.workdays import as_local_date

from .selectors import Dashboard, decision_deadline

WIDTHS = (18, 16, 14, 14, 14, 14, 14, 16, 18, 18, 14, 14)


def _sheet(writer: SpreadsheetWriter, title: str, header: list[str], rows: list[list]) -> None:
    sheet = writer.add_sheet(title, widths=WIDTHS)
    sheet.append(header, style=BOLD)
    for row in rows:
        sheet.append(row)


def build_dashboard_xlsx(board: Dashboard) -> bytes:
    now = timezone.now()
    writer = SpreadsheetWriter()
    _sheet(writer, _("在办概况"), [_("环节"), _("件数")], [[label, n] for label, n in board.stages])
    _sheet(
        writer,
        _("各单位办理情况"),
        [
            _("认定单位"),
            _("单位代码"),
            _("在办"),
            _("其中逾期"),
            _("期间内办结"),
            _("准予修复"),
            _("不予修复"),
            _("超期办结"),
            _("平均办理天数（自然日）"),
            _("平均办理工作日"),
        ],
        [
            [
                r.provider.name,
                r.provider.code,
                r.open,
                r.overdue,
                r.decided,
                r.approved,
                r.rejected,
                r.decided_late,
                r.average_days,
                r.average_workdays,
            ]
            for r in board.providers
        ],
    )
    overdue_rows = []
    for application in board.overdue:
        deadline = decision_deadline(application, now)
        overdue_rows.append(
            [
                application.number,
                application.provider.name,
                application.subject.name,
                application.record.catalog_item.name,
                application.record.source_key,
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
                deadline.last_day.isoformat(),
                deadline.overdue_workdays,
                as_local_date(application.overdue_at).isoformat() if application.overdue_at else "",
            ]
        )
    _sheet(
        writer,
        _("逾期案件"),
        [
            _("申请编号"),
            _("认定单位"),
            _("申请主体"),
            _("目录事项"),
            _("业务编号"),
            _("申请时间"),
            _("办理期限（最后一日）"),
            _("已逾期工作日"),
            _("督办日期"),
        ],
        overdue_rows,
    )
    info = writer.add_sheet(_("说明"))
    for line in (
        _("决定日期范围：%(start)s 至 %(end)s") % {"start": board.date_from, "end": board.date_to},
        _("导出时间：%(now)s") % {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
        _("办理天数自申请提交至作出决定；工作日按平台工作日日历计算（不含申请当日）。"),
    ):
        info.append([line])
    return writer.to_bytes()
