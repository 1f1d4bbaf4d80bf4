"""Government use of credit information (/office/government/, Art. 12): batch credit checks of a
list of subjects, and the credit commitments (信用承诺) subjects make to agencies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from collection.identifiers import IdentifierError, normalise_uscc
from nantong_credit.uploads import limit_request_body

from ..commitments import CommitmentInvalid, record_commitment
from ..models import BatchCheck
from ..permissions import (
    RECORD_COMMITMENT,
    RUN_BATCH_CHECK,
    VIEW_BATCH_CHECK,
    VIEW_COMMITMENTS,
    get_own_batch_check,
    require_any_perm,
)
from .forms import BatchCheckForm, CommitmentForm
from .services import (
    MAX_FILE_BYTES,
    ListRejected,
    batch_summary,
    checks_of,
    conclusion,
    parse_pasted,
    parse_xlsx,
    recorded_commitments,
    result_xlsx,
    start_batch_check,
    subject_by_code,
    subject_path,
    unchecked_rows,
)

ROWS_PER_PAGE = 200
FORM_OVERHEAD = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required(VIEW_BATCH_CHECK, raise_exception=True)
def checks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inquiry/government/checks.html",
        {
            "checks": checks_of(request.user)[:100],
            "can_run": request.user.has_perm(RUN_BATCH_CHECK),
        },
    )


@login_required
@permission_required(RUN_BATCH_CHECK, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(MAX_FILE_BYTES + FORM_OVERHEAD)
def check_new(request: HttpRequest) -> HttpResponse:
    form = BatchCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lines = parse_xlsx(data["file"]) if data.get("file") else parse_pasted(data["pasted"])
            source = data["file"].name if data.get("file") else _("粘贴名单")
            batch = start_batch_check(actor=request.user, purpose=data["purpose"], lines=lines, source_name=source)
        except ListRejected as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("government:check_detail", pk=batch.pk)
    return render(request, "inquiry/government/check_form.html", {"form": form})


@login_required
@permission_required(VIEW_BATCH_CHECK, raise_exception=True)
@never_cache
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_own_batch_check(request.user, pk)
    rows = batch.rows.select_related("subject").order_by("line")
    only_findings = request.GET.get("only") == "findings"
    if only_findings:
        rows = rows.filter(subject__isnull=False).exclude(dishonesty_count=0, warning_count=0)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.conclusion = conclusion(row)
        row.link = subject_path(row.code) if row.subject_id else ""
    running = batch.status in (BatchCheck.Status.QUEUED, BatchCheck.Status.RUNNING)
    return render(
        request,
        "inquiry/government/check_detail.html",
        {
            "batch": batch,
            "page": page,
            "only_findings": only_findings,
            "running": running,
            "summary": batch_summary(batch),
            "remaining": unchecked_rows(batch).count() if running else 0,
        },
    )


@login_required
@permission_required(VIEW_BATCH_CHECK, raise_exception=True)
@never_cache
def check_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_own_batch_check(request.user, pk)
    if batch.status != BatchCheck.Status.DONE:
        raise Http404("the check has not finished")
    stamp = timezone.localtime(batch.finished_at).strftime("%Y%m%d-%H%M")
    response = HttpResponse(result_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="batch-check-{batch.pk}-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Commitments ------------------------------------------------------------------------------


@login_required
@require_any_perm(VIEW_COMMITMENTS, RECORD_COMMITMENT)
def commitments(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("code", "").strip()[:40]
    code, error = "", ""
    if raw:
        try:
            code = normalise_uscc(raw, allow_irregular=True).value
        except IdentifierError as exc:
            error = exc.message
    page = Paginator(recorded_commitments(code) if not error else [], 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inquiry/government/commitments.html",
        {
            "page": page,
            "code": raw,
            "error": error,
            "can_record": request.user.has_perm(RECORD_COMMITMENT),
        },
    )


@login_required
@permission_required(RECORD_COMMITMENT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest) -> HttpResponse:
    form = CommitmentForm(
        request.POST or None, initial={"code": request.GET.get("code", "")[:40], "made_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = subject_by_code(data["code"])
        if subject is None:
            form.add_error("code", _("平台中没有统一社会信用代码为%(code)s的信息主体") % {"code": data["code"]})
        else:
            try:
                record_commitment(
                    subject=subject,
                    kind=data["kind"],
                    matter=data["matter"],
                    text=data["text"],
                    made_on=data["made_on"],
                    recipient=data["recipient"],
                    is_public=data["is_public"],
                    actor=request.user,
                )
            except CommitmentInvalid as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记%(name)s的信用承诺") % {"name": subject.name})
                return redirect(f"{reverse('government:commitments')}?code={subject.code}")
    return render(request, "inquiry/government/commitment_form.html", {"form": form})
