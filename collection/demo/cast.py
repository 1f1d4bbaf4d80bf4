"""Who plays the demo cases of the later apps (inquiry, objections, repair): 南通海晟's agent
`subject_user`, `requester`, `center_clerk` and the 市场监管局 that `provider_staff` works for.

Found once per seed run, after the demo binding; when the database no longer has them as the demo
left them, the cast is None and one note says why, and those apps' cases are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from catalog.models import Provider
from nantong_credit.demo.loader import DemoRun

from ..bindings import acts_for
from ..models import Subject
from ..selectors import subject_by_identifier
from . import subjects

# Who plays which part (usernames of nantong_credit/demo/accounts.py).
AGENT, REQUESTER, CLERK, STAFF = "subject_user", "requester", "center_clerk", "provider_staff"
COMPANY = "haisheng"  # 南通海晟建设工程有限公司, the company `subject_user` acts for
PROVIDER = "scjgj"  # 南通市市场监督管理局, the department `provider_staff` works for
PENALTY_ITEM = "admin_penalty"


@dataclass(frozen=True)
class Cast:
    company: Subject
    provider: Provider
    agent: object
    requester: object
    clerk: object


def ensure_cast(run: DemoRun) -> None:
    run.shared["cast"] = _cast(run.report)


def _cast(report) -> Cast | None:
    """The accounts, company and department the cases need, or None (with a note) when the
    database no longer has them as the demo left them."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[AGENT, REQUESTER, CLERK])}
    company = demo_subject(COMPANY)
    provider = Provider.objects.filter(code=PROVIDER).first()
    missing = [name for name in (AGENT, REQUESTER, CLERK) if name not in users]
    if missing or company is None or provider is None:
        report.notes.append(
            f"缺少演示账号、主体或单位（{'、'.join(missing) or COMPANY + '/' + PROVIDER}），跳过授权、异议和修复演示案例"
        )
        return None
    if not acts_for(users[AGENT], company):
        report.notes.append(f"{AGENT} 已不是 {company.name} 的经办账号，跳过授权、异议和修复演示案例")
        return None
    return Cast(company, provider, users[AGENT], users[REQUESTER], users[CLERK])


def demo_subject(key: str) -> Subject | None:
    spec = subjects.BY_KEY[key]
    return subject_by_identifier(spec.kind, spec.identifier)
