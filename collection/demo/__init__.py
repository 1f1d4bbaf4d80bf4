"""Collection's demo data (`python manage.py seed_demo`): the subjects (`subjects`) and their
credit records (`records`), submitted through `collection.services` (channel `seed`); the demo
binding of `subject_user` to 南通海晟; and the cast the later apps' demo cases are played by
(`cast`). Registered with the kernel's loader in `CollectionConfig.ready()`.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.services import record_event
from catalog.models import Provider
from nantong_credit.demo.loader import DemoRun, SeedError
from nantong_credit.workdays import add_workdays

from ..models import SubjectBinding
from ..selectors import PublishedItems, record_of_provider, subject_by_identifier
from ..services.errors import SubmissionInvalid
from ..services.records import submit_record
from ..services.subjects import find_or_create_subject
from . import records, subjects
from .record_spec import RecordSpec

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED_AFTER_WORKDAYS = 3

# The demo company whose agent the `subject_user` account is, so that self-declaration,
# authorizations, objections and repair can be tried at once (the later apps' demo cases).
DEMO_BOUND_SUBJECT = "haisheng"


def _received_at(data: dict) -> dt.datetime | None:
    """Historical demo records arrived a few working days after their decision, as most do, so
    that the timeliness report shows believable figures instead of everything late."""
    decided = data.get("decision_date")
    if not decided:
        return None
    day = add_workdays(dt.date.fromisoformat(str(decided)), RECEIVED_AFTER_WORKDAYS)
    arrived = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
    return min(arrived, timezone.now())


def ensure_demo_binding(run: DemoRun) -> None:
    actor, report = run.actor, run.report
    user = get_user_model().objects.filter(username="subject_user").first()
    if user is None or SubjectBinding.objects.filter(user=user).exists():
        report.count("bindings", False)
        return
    spec = subjects.BY_KEY[DEMO_BOUND_SUBJECT]
    subject = subject_by_identifier(spec.kind, spec.identifier)
    now = timezone.now()
    if user.identity_verified_at is None:
        user.identity_verified_at = now
        user.save(update_fields=["identity_verified_at"])
    binding = SubjectBinding.objects.create(
        user=user,
        subject=subject,
        status=SubjectBinding.Status.APPROVED,
        reviewed_by=actor,
        reviewed_at=now,
        review_note="演示数据：已核验营业执照和授权委托书",
    )
    record_event(
        action="binding.approve",
        actor=actor,
        obj=binding,
        summary=f"初始化演示绑定：{user.username} 为 {subject.name} 经办人",
        after={"user": user.username, "subject": subject.code, "status": binding.status},
    )
    report.count("bindings", True)


# --- Subjects and records ---------------------------------------------------------------------


def ensure_subjects(run: DemoRun) -> None:
    for spec in subjects.ALL_SUBJECTS:
        if subject_by_identifier(spec.kind, spec.identifier) is not None:
            run.report.count("subjects", False)
            continue
        find_or_create_subject(
            kind=spec.kind,
            name=spec.name,
            identifier=spec.identifier,
            actor=run.actor,
            **records.registration_details(spec),
        )
        run.report.count("subjects", True)


def ensure_records(run: DemoRun) -> None:
    report, providers = run.report, run.shared["providers"]
    items = PublishedItems()
    for spec in records.all_records():
        provider = providers[spec.provider]
        if record_of_provider(provider=provider, item_code=spec.item, source_key=spec.source_key) is not None:
            report.count("records", False)
            continue
        item = items.get(spec.item)
        if item is None or provider.pk not in item.provider_ids:
            # The published catalog was edited since the first run; leave that item alone.
            report.notes.append(
                f"现行目录中没有事项 {spec.item} 或其责任单位不含 {spec.provider}，跳过 {spec.source_key}"
            )
            continue
        _submit(spec, provider=provider, actor=run.actor, items=items)
        report.count("records", True)


def _submit(spec: RecordSpec, *, provider: Provider, actor, items: PublishedItems) -> None:
    data = records.build_data(spec)
    try:
        submit_record(
            provider=provider,
            item_code=spec.item,
            source_key=spec.source_key,
            subject=records.subject_payload(subjects.BY_KEY[spec.subject]),
            data=data,
            actor=actor,
            channel=records.SEED_CHANNEL,
            items=items,
            received_at=_received_at(data),
        )
    except SubmissionInvalid as error:
        # Demo data that the catalog refuses is a bug in the demo data: stop, and say where.
        raise SeedError(f"演示记录 {spec.item}/{spec.source_key} 未通过校验：{error.errors}") from error


# --- 实名核验: the service window ---------------------------------------------------------------

DEMO_WINDOW = {
    "address": "南通市崇川区世纪大道6号 南通市政务服务中心二楼C区 信用服务窗口",
    "phone": "0513-59000000",
}


def ensure_service_window(run: DemoRun) -> None:
    """The window's address and phone, so that a new account's 实名核验 page says where to go.
    A window the center has already filled in is left as it is."""
    from ..accounts.appointments import service_window, update_service_window

    window = service_window()
    if window.address:
        run.report.count("service window", False)
        return
    update_service_window(actor=run.actor, changes=DEMO_WINDOW)
    run.report.count("service window", True)
