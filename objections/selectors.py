"""Read queries of the objections app: the queues, a case's records, timeline and deadlines,
who is told of a step, and what the deadline sweep has to do."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from collection.bindings import accounts_acting_for, bound_subjects
from collection.models import CreditRecord, Subject
from collection.visibility import own_records, with_marks
from nantong_credit.notifications import absolute_url
from nantong_credit.workdays import SHANGHAI, library_knows, period_is_provisional, workdays_left

from . import workflow
from .models import Objection, ObjectionEvidence, ObjectionRecord, ObjectionStep

Status = Objection.Status


# --- Cases --------------------------------------------------------------------------------------


def _cases() -> QuerySet[Objection]:
    return Objection.objects.select_related("subject", "provider", "applicant", "received_by").annotate(
        record_count=Count("objection_records")
    )


def cases_for_account(user) -> QuerySet[Objection]:
    """The cases of every subject the account acts for, newest first."""
    return _cases().filter(subject__in=bound_subjects(user)).order_by("-received_at", "-pk")


def clerk_queue(status: str) -> QuerySet[Objection]:
    """The center's cases in `status` ("" for all), the nearest deadline first."""
    cases = _cases()
    if status:
        cases = cases.filter(status=status)
    if status == Status.SUBMITTED:
        return cases.order_by("center_due_at", "pk")
    if status == Status.REFERRED:
        return cases.order_by("provider_due_at", "pk")
    return cases.order_by("-received_at", "-pk")


def provider_cases(providers: Iterable[Provider]) -> QuerySet[Objection]:
    """What a provider's staff may see: the cases referred to their providers, and those in which
    the center corrected their records for a platform error."""
    return (
        _cases()
        .filter(provider__in=list(providers))
        .filter(Q(referred_at__isnull=False) | Q(outcome=Objection.Outcome.PLATFORM_CORRECTED))
    )


def provider_queue(providers: Iterable[Provider], status: str) -> QuerySet[Objection]:
    cases = provider_cases(providers)
    if status:
        cases = cases.filter(status=status)
    if status == Status.REFERRED:
        return cases.order_by("provider_due_at", "pk")
    return cases.order_by("-received_at", "-pk")


def case_records(objection: Objection) -> list[CreditRecord]:
    """The case's records as they are now, with their marks (`record.marks`)."""
    records = CreditRecord.objects.filter(objection_links__objection=objection)
    return list(with_marks(records.select_related("catalog_item", "provider", "subject")).order_by("pk"))


def timeline(objection: Objection) -> list[ObjectionStep]:
    steps = list(objection.steps.select_related("actor").order_by("occurred_at", "pk"))
    for step in steps:
        step.label = workflow.step_label(step.action)
    return steps


def evidence_of(objection: Objection) -> QuerySet[ObjectionEvidence]:
    return objection.evidence_files.order_by("uploaded_at", "pk")


def open_cases_by_record(record_ids: Iterable[int]) -> dict[int, Objection]:
    """{record id: its unfinished case} for the given records."""
    links = ObjectionRecord.objects.filter(
        record_id__in=list(record_ids), objection__status__in=workflow.OPEN
    ).select_related("objection")
    return {link.record_id: link.objection for link in links}


def open_cases_of_subject(subject_id: int) -> dict[int, Objection]:
    """{record id: its unfinished case} for every record of the subject, in one query."""
    links = ObjectionRecord.objects.filter(
        record__subject_id=subject_id, objection__status__in=workflow.OPEN
    ).select_related("objection")
    return {link.record_id: link.objection for link in links}


def busy_records(subject: Subject) -> list[tuple[CreditRecord, Objection]]:
    """The subject's records already in an unfinished case, with that case."""
    open_cases = open_cases_by_record(subject.records.values_list("pk", flat=True))
    records = subject.records.filter(pk__in=open_cases).select_related("catalog_item")
    return [(record, open_cases[record.pk]) for record in records]


def objectable_records(subject: Subject) -> QuerySet[CreditRecord]:
    """What the subject may object to: its own records (not revoked) with no unfinished case."""
    busy = ObjectionRecord.objects.filter(objection__status__in=workflow.OPEN).values("record_id")
    records = own_records(CreditRecord.objects.filter(subject=subject)).exclude(pk__in=busy)
    return records.select_related("catalog_item", "provider").order_by("provider__name", "-decision_date", "pk")


# --- Deadlines as people read them --------------------------------------------------------------


@dataclass
class Deadline:
    title: Promise | str
    basis: Promise | str
    due_at: dt.datetime
    done_at: dt.datetime | None
    days_left: int
    provisional: bool  # it reaches a year whose holiday notice is not entered yet (SPEC §4)
    held: bool = False  # passed while provisional: 期限待确认, nothing suspended

    @property
    def text(self) -> str:
        return workflow.deadline_text(self.due_at)

    @property
    def is_running(self) -> bool:
        return self.done_at is None and self.days_left > 0

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.days_left == 0 and not self.held

    @property
    def met(self) -> bool | None:
        """Whether the step was taken in time; None while it is still open."""
        return None if self.done_at is None else self.done_at < self.due_at


def deadlines(objection: Objection, now: dt.datetime | None = None) -> list[Deadline]:
    """The center's period and, once referred, the provider's, each with its countdown."""
    now = now or timezone.now()
    finished = objection.closed_at if objection.status in workflow.FINISHED else None
    found = [
        _deadline(
            _("市信用信息中心核查期限（5个工作日）"),
            workflow.CENTER_BASIS,
            objection.received_at,
            objection.center_due_at,
            objection.referred_at or finished,
            now,
        )
    ]
    if objection.provider_due_at:
        done = objection.answered_at or finished
        found.append(
            _deadline(
                _("信息提供单位核查答复期限（7个工作日）"),
                workflow.PROVIDER_BASIS,
                objection.referred_at,
                objection.provider_due_at,
                done,
                now,
                held=done is None and is_held(objection),
            )
        )
    return found


def is_held(objection: Objection) -> bool:
    """期限待确认: the provider's deadline passed while provisional, and nothing followed yet."""
    return objection.provider_deadline_held_at is not None and objection.provider_overdue_at is None


def _deadline(
    title, basis, started: dt.datetime, due: dt.datetime, done: dt.datetime | None, now: dt.datetime, held: bool = False
) -> Deadline:
    return Deadline(
        title, basis, due, done, workdays_left(now, due, since=started), period_is_provisional(started, due), held
    )


def countdown(objection: Objection, now: dt.datetime | None = None) -> Deadline | None:
    """The deadline running now (the one a queue shows), if any."""
    now = now or timezone.now()
    if objection.status == Status.SUBMITTED:
        return _deadline("", workflow.CENTER_BASIS, objection.received_at, objection.center_due_at, None, now)
    if objection.status == Status.REFERRED and objection.provider_due_at:
        return _deadline(
            "",
            workflow.PROVIDER_BASIS,
            objection.referred_at,
            objection.provider_due_at,
            None,
            now,
            held=is_held(objection),
        )
    return None


def with_countdowns(cases: Iterable[Objection], now: dt.datetime | None = None) -> list[Objection]:
    now = now or timezone.now()
    cases = list(cases)
    for case in cases:
        case.countdown = countdown(case, now)
    return cases


# --- The receipt of a written application -------------------------------------------------------


@dataclass
class Receipt:
    """What the 回执 of a paper application states; the follow-up code is added by the view,
    which alone has it (once)."""

    objection: Objection
    records: list[CreditRecord]
    center_deadline: Deadline
    provider_deadline: Deadline | None  # once referred (a receipt printed again later)
    files: list[tuple[str, int]]  # (kind label, how many)
    follow_up_url: str


def receipt(objection: Objection, now: dt.datetime | None = None) -> Receipt:
    # What came with the application; the applicant's later letters are on the case page.
    counts = Counter(
        objection.evidence_files.exclude(kind=ObjectionEvidence.Kind.LETTER).values_list("kind", flat=True)
    )
    files = [(label, counts[kind]) for kind, label in ObjectionEvidence.Kind.choices if counts[kind]]
    center, *provider = deadlines(objection, now)
    return Receipt(
        objection,
        case_records(objection),
        center,
        provider[0] if provider else None,
        files,
        absolute_url(reverse("objections:follow_up")),
    )


# --- Who is told ---------------------------------------------------------------------------------


def _holders(codename: str) -> QuerySet:
    held = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="objections")
    held |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label="objections")
    return get_user_model().objects.filter(held, is_active=True)


def clerks() -> list:
    """The center's staff who review objections."""
    return list(_holders("review_objection").distinct().order_by("pk"))


def provider_staff(provider: Provider) -> list:
    """The provider's staff who answer referred objections."""
    return list(_holders("answer_objection").filter(providers=provider).distinct().order_by("pk"))


def applicant_side(objection: Objection) -> list:
    """The accounts acting for the subject now (the applicant among them while still bound)."""
    return list(accounts_acting_for(objection.subject))


# --- What the deadline sweep has to do ----------------------------------------------------------


def due_center_reminders(now: dt.datetime) -> QuerySet:
    return (
        Objection.objects.filter(
            status=Status.SUBMITTED,
            center_due_at__gt=now,
            center_due_at__lte=workflow.reminder_cutoff(now),
            center_reminded_at__isnull=True,
        )
        .order_by("center_due_at", "pk")
        .values_list("pk", flat=True)
    )


def due_provider_reminders(now: dt.datetime) -> QuerySet:
    return (
        Objection.objects.filter(
            status=Status.REFERRED,
            provider_due_at__gt=now,
            provider_due_at__lte=workflow.reminder_cutoff(now),
            provider_reminded_at__isnull=True,
        )
        .order_by("provider_due_at", "pk")
        .values_list("pk", flat=True)
    )


def due_provider_overdue(now: dt.datetime) -> QuerySet:
    return (
        Objection.objects.filter(
            status=Status.REFERRED,
            provider_due_at__lte=now,
            provider_overdue_at__isnull=True,
        )
        .order_by("provider_due_at", "pk")
        .values_list("pk", flat=True)
    )


def due_deadline_holds(now: dt.datetime) -> QuerySet:
    """Passed provider deadlines not yet held that may be provisional (the service checks each)."""
    return (
        Objection.objects.filter(
            status=Status.REFERRED,
            provider_due_at__lte=now,
            provider_due_at__gte=_unknown_from(now),
            provider_overdue_at__isnull=True,
            provider_deadline_held_at__isnull=True,
        )
        .order_by("provider_due_at", "pk")
        .values_list("pk", flat=True)
    )


def _unknown_from(now: dt.datetime) -> dt.datetime:
    """The earliest end of a period whose last day lies after the last year the calendar library
    knows (a period whose last day is 1 January ends at 00:00 on 2 January)."""
    year = timezone.localtime(now).year
    while library_knows(year):
        year += 1
    return dt.datetime(year, 1, 2, tzinfo=SHANGHAI)


def provisional_deadlines(now: dt.datetime) -> list[tuple]:
    """(pk, status, start, stored deadline) of the periods to recompute: running ones that end
    after the last year the calendar library knows (computed from weekends, the statutory
    holidays and overrides, they move once that year's State Council notice is entered) and the
    provider deadlines held as 期限待确认. The start is the receipt (center) or the referral
    (provider)."""
    unknown_from = _unknown_from(now)
    center = Objection.objects.filter(status=Status.SUBMITTED, center_due_at__gte=unknown_from, center_due_at__gt=now)
    provider = Objection.objects.filter(
        Q(provider_due_at__gte=unknown_from, provider_due_at__gt=now)
        | Q(provider_deadline_held_at__isnull=False, provider_overdue_at__isnull=True),
        status=Status.REFERRED,
    )
    return [
        *center.values_list("pk", "status", "received_at", "center_due_at"),
        *provider.values_list("pk", "status", "referred_at", "provider_due_at"),
    ]
