"""A provider's record pages (在线填报 and 本单位记录): thin views over `submit_record`.

Listing and reading need `collection.view_creditrecord`, submitting `add_creditrecord`,
editing and revoking `change_creditrecord`; on top of that a user sees only the records of the
providers they work for and submits only for items those providers are responsible for.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ..models import Channel, CreditRecord
from ..personal_data import DecryptionFailed, decrypt_identifier
from ..selectors import PublishedItems
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from ..services.records import SubmissionResult, submit_record
from .forms import RecordFilterForm, RecordForm, RevokeForm
from .permissions import NoProvider, get_record_for_staff, providers_for_item, staff_providers
from .selectors import (
    RecordFilters,
    field_rows,
    filter_records,
    lateness,
    page_of_records,
    revision_history,
    submittable_items,
)

OUTCOME_MESSAGES = {
    "created": gettext_lazy("已报送“%(item)s”记录 %(key)s（%(subject)s）。"),
    "updated": gettext_lazy(
        "已更新“%(item)s”记录 %(key)s（%(subject)s），生成第%(revision)d版，原内容保留在版本历史中。"
    ),
    "unchanged": gettext_lazy("“%(item)s”记录 %(key)s 的内容与已报送的相同，未作改动（仍为第%(revision)d版）。"),
    "revoked": gettext_lazy("已撤销“%(item)s”记录 %(key)s（%(subject)s）。"),
}


def provider_staff_only(view: Callable) -> Callable:
    """Explain the refusal to an account that belongs to no provider (e.g. a catalog admin)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NoProvider:
            return render(request, "collection/records/no_provider.html", status=403)

    return wrapped


@login_required
@permission_required("collection.view_creditrecord", raise_exception=True)
@provider_staff_only
def records(request: HttpRequest) -> HttpResponse:
    providers = staff_providers(request.user)
    items = submittable_items(providers)
    form = RecordFilterForm(request.GET or None, providers=providers, items=[(i.code, i.name) for i in items])
    filters = RecordFilters()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = RecordFilters(
            term=cleaned["q"],
            provider_code=cleaned.get("provider", ""),
            item_code=cleaned["item"],
            status=cleaned["status"],
            late=cleaned["late"],
            received_from=cleaned["received_from"],
            received_to=cleaned["received_to"],
        )
    queryset = filter_records(CreditRecord.objects.filter(provider__in=providers), filters)
    page = page_of_records(queryset, cursor=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "collection/records/list.html",
        {
            "providers": providers,
            "items": items,
            "form": form,
            "page": page,
            "is_first_page": not request.GET.get("after"),
            "filter_query": query.urlencode(),
            "can_add": request.user.has_perm("collection.add_creditrecord"),
        },
    )


@login_required
@permission_required("collection.add_creditrecord", raise_exception=True)
@provider_staff_only
def record_items(request: HttpRequest) -> HttpResponse:
    providers = staff_providers(request.user)
    return render(
        request,
        "collection/records/items.html",
        {
            "providers": providers,
            "items": submittable_items(providers),
        },
    )


@login_required
@permission_required("collection.add_creditrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
@provider_staff_only
def record_new(request: HttpRequest, code: str) -> HttpResponse:
    items = PublishedItems()
    item = items.get(code)
    if item is None:
        raise Http404("no such item in the published catalog")
    providers = providers_for_item(request.user, item)
    form = RecordForm(request.POST or None, item=item, providers=providers)
    if request.method == "POST" and form.is_valid():
        result = _submit(request, form, items)
        if result is not None:
            return redirect("collection_office:record_detail", pk=result.record.pk)
    return render(request, "collection/records/form.html", {"form": form, "item": item, "record": None})


@login_required
@permission_required("collection.view_creditrecord", raise_exception=True)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_staff(request.user, pk)
    return _render_detail(request, record, RevokeForm())


@login_required
@permission_required("collection.change_creditrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_staff(request.user, pk)
    items = PublishedItems()
    item = items.get(record.item_code)
    if item is None or record.provider_id not in item.provider_ids:
        messages.error(request, _("现行目录中本单位已不负责该事项，这条记录不能再修改，只能撤销。"))
        return redirect("collection_office:record_detail", pk=record.pk)
    form = RecordForm(
        request.POST or None,
        item=item,
        providers=[record.provider],
        record=record,
        known_identifiers=_known_identifiers(record),
    )
    if request.method == "POST" and form.is_valid():
        result = _submit(request, form, items)
        if result is not None:
            return redirect("collection_office:record_detail", pk=record.pk)
    return render(request, "collection/records/form.html", {"form": form, "item": item, "record": record})


@login_required
@permission_required("collection.change_creditrecord", raise_exception=True)
@require_POST
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_staff(request.user, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, record, form, status=400)
    try:
        result = submit_record(
            provider=record.provider,
            item_code=record.item_code,
            source_key=record.source_key,
            actor=request.user,
            channel=Channel.FORM,
            revoke=True,
            reason=form.cleaned_data["reason"],
        )
    except SubmissionInvalid as exc:
        for path, errors in exc.errors.items():
            for error in errors:
                form.add_error("reason" if path == "reason" else None, str(error))
        return _render_detail(request, record, form, status=400)
    if result.outcome == "unchanged":
        messages.info(request, _("这条记录此前已撤销。"))
    else:
        _report(request, result)
    return redirect("collection_office:record_detail", pk=record.pk)


# --- helpers ----------------------------------------------------------------------------------


def _submit(request: HttpRequest, form: RecordForm, items: PublishedItems) -> SubmissionResult | None:
    """Send the form through the pipeline; on refusal put the errors on the form and return None."""
    try:
        result = submit_record(
            provider=form.provider,
            item_code=form.item.code,
            source_key=form.source_key_value(),
            subject=form.subject_payload(),
            data=form.data_payload(),
            actor=request.user,
            channel=Channel.FORM,
            reason=form.reason_value(),
            items=items,
        )
    except SubmissionInvalid as exc:
        form.add_submission_errors(exc.errors)
        return None
    except ProviderNotResponsible as exc:
        raise PermissionDenied(str(exc)) from None
    _report(request, result)
    return result


def _report(request: HttpRequest, result: SubmissionResult) -> None:
    record = result.record
    text = OUTCOME_MESSAGES[result.outcome] % {
        "item": record.catalog_item.name,
        "key": record.source_key,
        "subject": record.subject.name,
        "revision": record.revision,
    }
    level = messages.INFO if result.outcome == "unchanged" else messages.SUCCESS
    messages.add_message(request, level, text)
    for warning in result.warnings:
        messages.warning(request, str(warning))


def _known_identifiers(record: CreditRecord) -> dict[str, str]:
    """The record's own subject's ID number in clear, by its masked form: the edit form shows
    only the mask and puts the number back server-side, so that it never reaches the browser."""
    subject = record.subject
    if not subject.is_natural_person or not subject.identifier_encrypted:
        return {}
    try:
        return {subject.identifier_masked: decrypt_identifier(subject.identifier_encrypted)}
    except DecryptionFailed:
        return {}


def _render_detail(
    request: HttpRequest, record: CreditRecord, revoke_form: RevokeForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "collection/records/detail.html",
        {
            "record": record,
            "rows": field_rows(record),
            "lateness": lateness(record),
            "history": revision_history(record),
            "annotations": record.annotations.filter(is_active=True),
            "revoke_form": revoke_form,
            "can_change": request.user.has_perm("collection.change_creditrecord"),
        },
        status=status,
    )
