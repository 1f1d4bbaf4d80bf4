"""Telling a provider's staff that pulling from their system went wrong: once per failure streak
(the first failed or partly refused run after a clean one), by inbox and email (`notify`)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nantong_credit.notifications import notify

from .models import PullRun, PullSource


def run_ended(source: PullSource, run: PullRun) -> None:
    """Called in the transaction that ends `run`, with `source`'s row locked."""
    if not run.is_problem:
        if source.failing_since is not None:
            PullSource.objects.filter(pk=source.pk).update(failing_since=None)
        return
    if source.failing_since is not None:
        return  # the staff were told at the streak's first run; the log shows the rest
    PullSource.objects.filter(pk=source.pk).update(failing_since=run.finished_at or timezone.now())
    notify(
        source.provider.staff.filter(is_active=True).order_by("pk"),
        title=_("数据库对接异常：%(name)s") % {"name": source.name},
        body=_alert_body(source, run),
        link=reverse("collection_office:pull_run", args=[source.provider.code, source.pk, run.pk]),
    )


def _alert_body(source: PullSource, run: PullRun) -> str:
    lines = [
        _("平台从本单位系统拉取“%(name)s”（%(item)s）时出现问题：%(status)s。")
        % {"name": source.name, "item": source.item_code, "status": run.get_status_display()},
    ]
    if run.error:
        lines.append(run.error)
    if run.rejected_count:
        lines.append(
            _("有%(n)d行未通过校验，未入库；请在部门系统中改正后，平台将在其更新后重新拉取。")
            % {"n": run.rejected_count}
        )
    lines.append(
        _("游标：%(before)s → %(after)s。问题持续期间不再重复提醒；恢复正常后如再出现问题会再次提醒。")
        % {"before": run.cursor_before or _("（起点）"), "after": run.cursor_after or _("（起点）")}
    )
    return "\n".join(lines)
