"""Back-office review queues (/office/collection/review/): bindings and identity checks for the
市公共信用信息中心's clerks, self-declarations and warning records for the 经信委's reviewers."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from nantong_credit.uploads import private_file_response

from ..accounts.forms import (
    ApproveBindingForm,
    ApproveDeclarationForm,
    FoundFalseForm,
    ItemDataForm,
    ReasonForm,
    VerifyIdentityForm,
    apply_errors,
)
from ..accounts.registration import (
    IdentityAlreadyVerified,
    IdentityMethod,
    accounts_awaiting_verification,
    duplicate_account_message,
    registered_accounts,
    verify_identity,
)
from ..bindings import (
    BindingError,
    approve_binding,
    bindings_for_review,
    evidence_of,
    reject_binding,
    revoke_binding,
)
from ..declarations.services import (
    DeclarationError,
    approve_declaration,
    data_rows,
    declaration_provider,
    declarations_for_review,
    find_declaration_false,
    items_not_receivable,
    locked_keys,
    locked_values,
    record_originals_seen,
    reject_declaration,
    warning_item,
    warning_prefill,
)
from ..models import SelfDeclaration, SubjectBinding
from .permissions import (
    REVIEW_BINDINGS,
    REVIEW_DECLARATIONS,
    VERIFY_IDENTITY,
    VIEW_BINDINGS,
    get_attachment_for_review,
    get_binding_for_review,
    get_declaration_for_review,
    get_evidence_for_review,
)

User = get_user_model()
PAGE_SIZE = 100


def _status_filter(request: HttpRequest, choices, default: str) -> str:
    status = request.GET.get("status", default)
    return status if status in dict(choices) or status == "" else default


# --- Bindings ---------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_BINDINGS, raise_exception=True)
def bindings(request: HttpRequest) -> HttpResponse:
    status = _status_filter(request, SubjectBinding.Status.choices, SubjectBinding.Status.PENDING)
    return render(
        request,
        "collection/review/bindings.html",
        {
            "bindings": bindings_for_review(status)[:PAGE_SIZE],
            "status": status,
            "statuses": SubjectBinding.Status.choices,
        },
    )


@login_required
@permission_required(VIEW_BINDINGS, raise_exception=True)
def binding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _binding_page(request, get_binding_for_review(pk))


def _binding_page(request, binding, *, approve_form=None, reject_form=None, revoke_form=None, status=200):
    return render(
        request,
        "collection/review/binding_detail.html",
        {
            "binding": binding,
            "evidence": evidence_of(binding),
            "can_decide": request.user.has_perm(REVIEW_BINDINGS),
            "can_verify": request.user.has_perm(VERIFY_IDENTITY),
            "approve_form": approve_form or ApproveBindingForm(),
            "reject_form": reject_form or ReasonForm(),
            "revoke_form": revoke_form or ReasonForm(),
        },
        status=status,
    )


@login_required
@permission_required(REVIEW_BINDINGS, raise_exception=True)
@require_POST
def approve_binding_view(request: HttpRequest, pk: int) -> HttpResponse:
    binding = get_binding_for_review(pk)
    form = ApproveBindingForm(request.POST)
    if not form.is_valid():
        return _binding_page(request, binding, approve_form=form, status=400)
    return _decide_binding(
        request,
        binding,
        lambda: approve_binding(binding=binding, actor=request.user, note=form.cleaned_data["note"]),
        _("已通过绑定申请"),
    )


@login_required
@permission_required(REVIEW_BINDINGS, raise_exception=True)
@require_POST
def reject_binding_view(request: HttpRequest, pk: int) -> HttpResponse:
    binding = get_binding_for_review(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _binding_page(request, binding, reject_form=form, status=400)
    return _decide_binding(
        request,
        binding,
        lambda: reject_binding(binding=binding, actor=request.user, reason=form.cleaned_data["reason"]),
        _("已驳回绑定申请"),
    )


@login_required
@permission_required(REVIEW_BINDINGS, raise_exception=True)
@require_POST
def revoke_binding_view(request: HttpRequest, pk: int) -> HttpResponse:
    binding = get_binding_for_review(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _binding_page(request, binding, revoke_form=form, status=400)
    return _decide_binding(
        request,
        binding,
        lambda: revoke_binding(binding=binding, actor=request.user, reason=form.cleaned_data["reason"]),
        _("已解除绑定"),
    )


def _decide_binding(request, binding, decide, done: str) -> HttpResponse:
    return _decide(
        request,
        decide,
        BindingError,
        f"{done}：{binding.user}（{binding.user.username}）— {binding.subject.name}",
        redirect("collection_office:binding_detail", pk=binding.pk),
    )


def _decide(request, decide, domain_error: type[Exception], success: str, then: HttpResponse) -> HttpResponse:
    """Run a review decision; a refused transition (e.g. another clerk decided first) becomes
    a message on the same page rather than an error page."""
    try:
        decide()
    except domain_error as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return then


@login_required
@permission_required(VIEW_BINDINGS, raise_exception=True)
@never_cache
def binding_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = get_evidence_for_review(pk, evidence_pk)
    return private_file_response(
        evidence.file.open("rb"), name=evidence.original_name, content_type=evidence.content_type
    )


# --- Identity verification --------------------------------------------------------------------


@login_required
@permission_required(VERIFY_IDENTITY, raise_exception=True)
def identities(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:50]
    return render(
        request,
        "collection/review/identities.html",
        {
            "accounts": accounts_awaiting_verification(query)[:PAGE_SIZE],
            "query": query,
        },
    )


@sensitive_post_parameters("id_number")
@login_required
@permission_required(VERIFY_IDENTITY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify_identity_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(registered_accounts(), pk=pk)
    form = VerifyIdentityForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            verify_identity(user=account, actor=request.user, method=IdentityMethod.PAPERS)
        except IdentityAlreadyVerified as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(
                request,
                _("已核验%(name)s（%(username)s）的实名身份，并绑定其本人信用主体。")
                % {"name": account.real_name, "username": account.username},
            )
        next_url = request.POST.get("next", "")
        if next_url.startswith("/office/") and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            return redirect(next_url)  # back to the binding the clerk came from
        return redirect("collection_office:identities")
    return render(
        request,
        "collection/review/verify_identity.html",
        {
            "account": account,
            "form": form,
            "next": request.GET.get("next", ""),
            "duplicate": duplicate_account_message(account) if account.id_number_duplicate_of_id else "",
        },
    )


# --- Self-declarations ------------------------------------------------------------------------


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
def declarations(request: HttpRequest) -> HttpResponse:
    status = _status_filter(request, SelfDeclaration.Status.choices, SelfDeclaration.Status.SUBMITTED)
    provider = declaration_provider()
    return render(
        request,
        "collection/review/declarations.html",
        {
            "declarations": declarations_for_review(status)[:PAGE_SIZE],
            "status": status,
            "statuses": SelfDeclaration.Status.choices,
            "provider": provider,
            "not_receivable": items_not_receivable(provider),
        },
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_page(request, get_declaration_for_review(pk))


def _declaration_page(request, declaration, *, approve_form=None, reject_form=None, status=200):
    return render(
        request,
        "collection/review/declaration_detail.html",
        {
            "declaration": declaration,
            "rows": data_rows(declaration.catalog_item, declaration.data),
            "attachments": declaration.attachments.order_by("pk"),
            "approve_form": approve_form or ApproveDeclarationForm(),
            "reject_form": reject_form or ReasonForm(),
        },
        status=status,
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
@require_POST
def declaration_originals(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_declaration_for_review(pk)
    return _decide_declaration(
        request,
        declaration,
        lambda: record_originals_seen(declaration=declaration, actor=request.user),
        _("已记录核验原始证明材料"),
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
@require_POST
def approve_declaration_view(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_declaration_for_review(pk)
    form = ApproveDeclarationForm(request.POST)
    if not form.is_valid():
        return _declaration_page(request, declaration, approve_form=form, status=400)
    return _decide_declaration(
        request,
        declaration,
        lambda: approve_declaration(declaration=declaration, actor=request.user, note=form.cleaned_data["note"]),
        _("已通过申报，并记入自主申报信用记录"),
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
@require_POST
def reject_declaration_view(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_declaration_for_review(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _declaration_page(request, declaration, reject_form=form, status=400)
    return _decide_declaration(
        request,
        declaration,
        lambda: reject_declaration(declaration=declaration, actor=request.user, reason=form.cleaned_data["reason"]),
        _("已驳回申报"),
    )


def _decide_declaration(request, declaration, decide, done: str) -> HttpResponse:
    return _decide(
        request,
        decide,
        DeclarationError,
        f"{done}：{declaration.subject.name}",
        redirect("collection_office:declaration_detail", pk=declaration.pk),
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def declaration_found_false(request: HttpRequest, pk: int) -> HttpResponse:
    """查实弄虚作假: revoke the declared record and enter a warning record (Art. 23)."""
    declaration = get_declaration_for_review(pk)
    if declaration.status != SelfDeclaration.Status.APPROVED:
        messages.error(request, _("只有已通过的申报才能认定弄虚作假"))
        return redirect("collection_office:declaration_detail", pk=declaration.pk)
    provider = declaration_provider()
    item = warning_item(declaration.subject, provider) if provider else None
    if item is None:
        messages.error(request, _("现行目录中没有本单位负责、适用于该主体的警示记录事项，无法记入警示记录"))
        return redirect("collection_office:declaration_detail", pk=declaration.pk)
    form = FoundFalseForm(request.POST or None)
    warning_form = ItemDataForm(
        request.POST or None,
        item=item,
        exclude=locked_keys(authority=True),
        prefix="warning",
        initial=warning_prefill(declaration),
    )
    if request.method == "POST" and all([form.is_valid(), warning_form.is_valid()]):
        try:
            find_declaration_false(
                declaration=declaration,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                warning_data=warning_form.raw_data(),
            )
        except DeclarationError as exc:
            apply_errors(warning_form, {k: v for k, v in exc.errors.items() if k != "reason"}, exc.message)
            if "reason" in exc.errors:
                apply_errors(form, {"reason": exc.errors["reason"]})
        else:
            messages.success(
                request, _("已撤销该申报形成的信用记录，并对%(name)s记入警示记录") % {"name": declaration.subject.name}
            )
            return redirect("collection_office:declaration_detail", pk=declaration.pk)
    return render(
        request,
        "collection/review/found_false.html",
        {
            "declaration": declaration,
            "form": form,
            "warning_form": warning_form,
            "item": item,
            "filled": data_rows(item, locked_values(item, declaration.subject, provider, authority=True)),
        },
    )


@login_required
@permission_required(REVIEW_DECLARATIONS, raise_exception=True)
@never_cache
def declaration_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for_review(pk, attachment_pk)
    return private_file_response(
        attachment.file.open("rb"), name=attachment.original_name, content_type=attachment.content_type
    )
