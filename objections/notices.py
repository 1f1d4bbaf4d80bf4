"""What each party is told at each step of a case (in-site inbox and email, in Chinese).

Called by the services inside their transaction: `notify` writes the inbox messages there and
sends the emails only once the step has committed.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from nantong_credit.notifications import ask_for_holiday_notice, notify

from . import selectors, workflow
from .models import Objection


def _case_link(objection: Objection) -> str:
    return reverse("objections:detail", args=[objection.pk])


def _office_link(objection: Objection) -> str:
    return reverse("objection_office:detail", args=[objection.pk])


def _names(objection: Objection) -> dict:
    return {
        "number": objection.number,
        "subject": objection.subject.name,
        "provider": objection.provider.name,
        "center_due": workflow.deadline_text(objection.center_due_at),
        "provider_due": workflow.deadline_text(objection.provider_due_at),
    }


def _applicant(objection: Objection, title: str, body: str) -> None:
    notify(selectors.applicant_side(objection), title=title, body=body, link=_case_link(objection))


def _center(objection: Objection, title: str, body: str) -> None:
    notify(selectors.clerks(), title=title, body=body, link=_office_link(objection))


def _provider(objection: Objection, title: str, body: str) -> None:
    notify(selectors.provider_staff(objection.provider), title=title, body=body, link=_office_link(objection))


def filed(objection: Objection) -> None:
    n = {**_names(objection), "paper": _paper_text(objection)}
    _applicant(
        objection,
        _("异议申请已受理：%(number)s") % n,
        _(
            "%(subject)s对%(provider)s报送的信用记录提出的异议申请%(paper)s已受理，案件编号%(number)s。市公共信用信息中心将于"
            "%(center_due)s前完成核查（第十四条）。核查期间，相关记录标注“异议处理中”。"
        )
        % n,
    )
    _center(
        objection,
        _("新的异议申请：%(number)s") % n,
        _(
            "%(subject)s对%(provider)s报送的信用记录提出异议%(paper)s，请于%(center_due)s前完成核查（5个工作日，第十四条第一款）。"
        )
        % n,
    )


def _paper_text(objection: Objection) -> str:
    if not objection.is_paper:
        return ""
    return _("（书面申请，%(channel)s，收件日期%(day)s）") % {
        "channel": objection.get_channel_display(),
        "day": f"{objection.received_on:%Y-%m-%d}",
    }


def code_reissued(objection: Objection) -> None:
    """The subject's own accounts learn of it: a code they did not ask for would be a warning."""
    n = _names(objection)
    _applicant(
        objection,
        _("查询码已重新生成：%(number)s") % n,
        _(
            "应书面异议申请人的要求，市公共信用信息中心重新生成了案件%(number)s的查询码，原查询码已作废。"
            "如非本主体申请，请与中心联系。"
        )
        % n,
    )


def referred(objection: Objection) -> None:
    n = _names(objection)
    _provider(
        objection,
        _("请核查异议：%(number)s，%(provider_due)s前答复") % n,
        _(
            "市公共信用信息中心将%(subject)s对本单位报送信用记录的异议转交核查，案件编号%(number)s。请于%(provider_due)s前"
            "作出处理并答复（7个工作日，第十四条第二款）：确有错误的予以更正；核实无误的说明理由；无法核实的加注附注声明。"
            "逾期未答复的，相关记录将暂停对外查询，直至答复（第十四条第三款）。"
        )
        % n,
    )
    _applicant(
        objection,
        _("异议已转信息提供单位核查：%(number)s") % n,
        _("经市公共信用信息中心核查，异议所涉信息由%(provider)s报送，已转该单位核查，答复期限为%(provider_due)s。") % n,
    )


def platform_corrected(objection: Objection) -> None:
    n = {**_names(objection), "note": objection.clerk_note}
    _applicant(
        objection,
        _("异议已办结，记录已更正：%(number)s") % n,
        _(
            "经核查，异议信息系平台在技术处理过程中造成的差错，市公共信用信息中心已予更正（第十四条第一款）。说明：%(note)s"
        )
        % n,
    )
    _provider(
        objection,
        _("本单位报送的记录已由中心更正：%(number)s") % n,
        _(
            "%(subject)s的异议经市公共信用信息中心核查，系平台技术处理差错，中心已更正相关记录，原记录版本保留。说明：%(note)s"
        )
        % n,
    )


def rejected(objection: Objection) -> None:
    n = {**_names(objection), "note": objection.clerk_note}
    _applicant(objection, _("异议申请不予受理：%(number)s") % n, _("理由：%(note)s") % n)


def answered(objection: Objection, *, reinstated: bool) -> None:
    n = {**_names(objection), "reply": objection.provider_reply}
    back = _("相关记录已恢复对外查询。") if reinstated else ""
    if objection.outcome == Objection.Outcome.CORRECTED:
        body = _("%(provider)s核实异议信息确有错误，已予更正（第十四条第二款第（一）项）。核查意见：%(reply)s") % n
        title = _("异议已办结，记录已更正：%(number)s") % n
        _applicant(objection, title, body + back)
        _center(objection, title, body + back)
    elif objection.outcome == Objection.Outcome.CONFIRMED:
        body = _("%(provider)s核实异议信息无误（第十四条第二款第（二）项）。核查意见：%(reply)s") % n
        _applicant(
            objection,
            _("信息提供单位核实信息无误：%(number)s") % n,
            body
            + back
            + _(
                "如您仍持有异议，可在案件页面提交异议声明，声明将在该记录披露和使用时一并标明；如接受核查结果，也请在案件页面确认。"
            ),
        )
        _center(objection, _("提供单位已答复（信息无误）：%(number)s") % n, body + back)
    else:
        body = (
            _(
                "%(provider)s无法核实异议信息的真实性，已在信用记录中加注附注声明（第十四条第二款第（三）项）。核查意见：%(reply)s"
            )
            % n
        )
        title = _("异议已办结，记录已加附注声明：%(number)s") % n
        _applicant(objection, title, body + back)
        _center(objection, title, body + back)


def kept(objection: Objection) -> None:
    n = _names(objection)
    body = _("%(subject)s仍持有异议，其异议及理由已在相关记录披露和使用时标明（第十四条第二款第（二）项）。") % n
    _center(objection, _("申请人仍持异议：%(number)s") % n, body)
    _provider(objection, _("申请人仍持异议：%(number)s") % n, body)
    _applicant(objection, _("异议声明已标明：%(number)s") % n, body)


def accepted(objection: Objection) -> None:
    n = _names(objection)
    body = _("%(subject)s接受核查结果，案件%(number)s已办结。") % n
    _center(objection, _("异议已办结：%(number)s") % n, body)
    _provider(objection, _("异议已办结：%(number)s") % n, body)


def withdrawn(objection: Objection, *, was_referred: bool, reinstated: bool) -> None:
    n = _names(objection)
    body = _("%(subject)s撤回了异议申请%(number)s，相关记录不再标注“异议处理中”。") % n
    if reinstated:
        body += _("暂停查询的记录已恢复对外查询。")
    _center(objection, _("异议已撤回：%(number)s") % n, body)
    if was_referred:
        _provider(objection, _("异议已撤回：%(number)s") % n, body)
    _applicant(objection, _("异议已撤回：%(number)s") % n, body)


# --- The deadline sweep: one message per party and sweep, listing the cases -----------------------

DIGEST_LINES = 30


def _digest(cases: list[Objection], line) -> str:
    lines = [line(case) for case in cases[:DIGEST_LINES]]
    if len(cases) > DIGEST_LINES:
        lines.append(_("……共%(n)d件，详见工作台异议队列。") % {"n": len(cases)})
    return "\n".join(lines)


def _by_provider(cases: list[Objection]) -> list[tuple]:
    groups: dict[int, list[Objection]] = {}
    for case in cases:
        groups.setdefault(case.provider_id, []).append(case)
    return [(group[0].provider, group) for group in groups.values()]


def center_reminders(cases: list[Objection]) -> None:
    if len(cases) == 1:
        n = _names(cases[0])
        _center(
            cases[0],
            _("异议核查即将到期：%(number)s") % n,
            _("%(subject)s的异议申请应于%(center_due)s前完成核查（5个工作日，第十四条第一款），请及时办理。") % n,
        )
        return
    body = _("以下异议申请应于所列期限前完成核查（5个工作日，第十四条第一款）：\n") + _digest(
        cases, lambda c: f"{c.number} {c.subject.name} {workflow.deadline_text(c.center_due_at)}"
    )
    notify(
        selectors.clerks(),
        title=_("%(n)d件异议核查即将到期") % {"n": len(cases)},
        body=body,
        link=reverse("objection_office:queue"),
    )


def provider_reminders(cases: list[Objection]) -> None:
    for provider, group in _by_provider(cases):
        if len(group) == 1:
            n = _names(group[0])
            _provider(
                group[0],
                _("异议答复即将到期：%(number)s") % n,
                _(
                    "转交本单位核查的异议%(number)s应于%(provider_due)s前答复（7个工作日，第十四条第二款）。逾期未答复的，"
                    "相关记录将暂停对外查询，直至答复（第十四条第三款）。"
                )
                % n,
            )
            continue
        body = _(
            "转交本单位核查的以下异议应于所列期限前答复（7个工作日，第十四条第二款）；逾期未答复的，相关记录将暂停"
            "对外查询，直至答复（第十四条第三款）：\n"
        ) + _digest(group, lambda c: f"{c.number} {c.subject.name} {workflow.deadline_text(c.provider_due_at)}")
        notify(
            selectors.provider_staff(provider),
            title=_("%(n)d件异议答复即将到期") % {"n": len(group)},
            body=body,
            link=reverse("objection_office:provider_queue"),
        )


def _overdue_body(objection: Objection) -> str:
    return _(
        "%(provider)s未在%(provider_due)s前答复异议%(number)s，依照第十四条第三款，相关记录自即日起暂停对外查询，"
        "直至该单位答复。"
    ) % _names(objection)


def providers_overdue(cases: list[Objection]) -> None:
    def line(case: Objection) -> str:
        return f"{case.number} {case.subject.name} {workflow.deadline_text(case.provider_due_at)}"

    for provider, group in _by_provider(cases):
        if len(group) == 1:
            _provider(
                group[0],
                _("异议答复已逾期，记录暂停查询：%(number)s") % _names(group[0]),
                _overdue_body(group[0]) + _("请尽快登录平台答复。"),
            )
        else:
            notify(
                selectors.provider_staff(provider),
                title=_("%(n)d件异议答复已逾期，记录暂停查询") % {"n": len(group)},
                body=_("以下异议未在期限内答复，相关记录已暂停对外查询，直至本单位答复（第十四条第三款）：\n")
                + _digest(group, line),
                link=reverse("objection_office:provider_queue"),
            )
    if len(cases) == 1:
        _center(cases[0], _("提供单位逾期未答复：%(number)s") % _names(cases[0]), _overdue_body(cases[0]))
    else:
        notify(
            selectors.clerks(),
            title=_("%(n)d件异议提供单位逾期未答复") % {"n": len(cases)},
            body=_("相关记录已暂停对外查询（第十四条第三款）：\n")
            + _digest(cases, lambda c: f"{line(c)} {c.provider.name}"),
            link=reverse("objection_office:queue") + "?status=referred",
        )
    for case in cases:
        _applicant(case, _("相关记录已暂停对外查询：%(number)s") % _names(case), _overdue_body(case))


def deadlines_held(cases: list[Objection], *, years: list[int]) -> None:
    """期限待确认: the center and the calendar managers, one message each per sweep."""
    year_text = "、".join(map(str, years))

    def line(case: Objection) -> str:
        return f"{case.number} {case.subject.name} {case.provider.name} {workflow.deadline_text(case.provider_due_at)}"

    why = _(
        "答复期限落在%(years)s年，该年国务院办公厅节假日安排尚未录入，期限是按周末和法定节假日推定的，"
        "可能因调休放假而顺延。依照规定，推定的期限届满不作暂停查询处理；录入该年通知后，平台重新计算期限，"
        "届时期限仍已届满的才暂停相关记录的查询。"
    ) % {"years": year_text}
    if len(cases) == 1:
        n = _names(cases[0])
        _center(
            cases[0],
            _("异议答复期限待确认：%(number)s") % n,
            _("%(provider)s对异议%(number)s的答复期限%(provider_due)s已届满，尚未答复。") % n + why,
        )
    else:
        notify(
            selectors.clerks(),
            title=_("%(n)d件异议答复期限待确认") % {"n": len(cases)},
            body=why + "\n" + _digest(cases, line),
            link=reverse("objection_office:queue") + "?status=referred",
        )
    ask_for_holiday_notice(
        years,
        title=_("%(n)d件异议期限待确认，请录入%(years)s年节假日安排") % {"n": len(cases), "years": year_text},
        body=why + "\n" + _digest(cases, line),
    )


def deadline_adjusted(objection: Objection, *, old_text: str, new_text: str, was_held: bool = False) -> None:
    n = {**_names(objection), "old": old_text, "new": new_text}
    body = _("根据录入的国务院办公厅节假日安排，案件%(number)s的办理期限由%(old)s调整为%(new)s。") % n
    if was_held:
        body += _("调整后的期限尚未届满，案件继续办理，相关记录不暂停查询。")
    _applicant(objection, _("办理期限调整：%(number)s") % n, body)
    if objection.status == Objection.Status.REFERRED:
        _provider(objection, _("答复期限调整：%(number)s") % n, body)
    if was_held:
        _center(objection, _("期限已确认，案件继续办理：%(number)s") % n, body)
    elif objection.status != Objection.Status.REFERRED:
        _center(objection, _("核查期限调整：%(number)s") % n, body)
