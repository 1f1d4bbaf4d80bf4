"""The account area of the portal (/account/): registration, 我的信用, bindings and
self-declarations of the logged-in user. Every page shows only the user's own objects."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from nantong_credit import rate_windows
from nantong_credit.client_address import client_network
from nantong_credit.uploads import limit_request_body, max_upload_bytes, private_file_response

from ..bindings import BindingError, bindings_of, bound_subjects, evidence_of, request_binding
from ..declarations.services import (
    MAX_ATTACHMENTS,
    DeclarationError,
    data_rows,
    declarable_items,
    declaration_provider,
    declarations_of,
    locked_keys,
    locked_values,
    submit_declaration,
)
from ..review.permissions import (
    DECLARE,
    REQUEST_BINDING,
    get_own_attachment,
    get_own_binding,
    get_own_declaration,
    get_own_evidence,
)
from .forms import AttachmentsForm, BindingRequestForm, ItemDataForm, RegistrationForm, apply_errors
from .registration import RegistrationError, register_account

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
FORM_OVERHEAD = 1024 * 1024  # the other fields and the multipart boundaries


@sensitive_post_parameters("password1", "password2", "id_number")
@require_http_methods(["GET", "POST"])
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("account:home")
    if request.method == "POST":
        wait = rate_windows.wait_seconds(f"register:{client_network(request)}", settings.REGISTER_RATE)
        if wait is not None:
            return rate_windows.rate_limited_response(request, wait)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, warning = register_account(
                username=data["username"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                email=data.get("email") or "",
            )
        except RegistrationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(
                request,
                _(
                    "注册成功。请预约后携带居民身份证到市公共信用信息中心窗口完成实名核验，核验后即可办理自主申报等业务。"
                ),
            )
            if warning:
                messages.info(request, warning)
            if data["account_type"] == "agent":
                return redirect("account:binding_new")
            return redirect("account:home")
    return render(request, "collection/account/register.html", {"form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "collection/account/home.html",
        {
            "bindings": bindings_of(user),
            "declarations": declarations_of(user)[:5],
            "can_declare": user.has_perm(DECLARE) and bound_subjects(user).exists(),
            "can_bind": user.has_perm(REQUEST_BINDING),
        },
    )


# --- Bindings ---------------------------------------------------------------------------------


def _two_files() -> int:
    return 2 * max_upload_bytes() + FORM_OVERHEAD


def _attachments() -> int:
    return MAX_ATTACHMENTS * max_upload_bytes() + FORM_OVERHEAD


@login_required
@permission_required(REQUEST_BINDING, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(_two_files)
def binding_new(request: HttpRequest) -> HttpResponse:
    form = BindingRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            binding = request_binding(
                user=request.user,
                kind=data["kind"],
                name=data["name"],
                identifier=data["identifier"],
                licence=data["licence"],
                letter=data.get("letter"),
            )
        except BindingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已提交绑定申请，市公共信用信息中心审核后即可代表该主体办理业务。"))
            return redirect("account:binding_detail", pk=binding.pk)
    return render(request, "collection/account/binding_form.html", {"form": form})


@login_required
def binding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    binding = get_own_binding(request.user, pk)
    return render(
        request,
        "collection/account/binding_detail.html",
        {
            "binding": binding,
            "evidence": evidence_of(binding),
        },
    )


@login_required
@never_cache
def binding_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = get_own_evidence(request.user, pk, evidence_pk)
    return private_file_response(
        evidence.file.open("rb"), name=evidence.original_name, content_type=evidence.content_type
    )


# --- Self-declarations ------------------------------------------------------------------------


@login_required
def declarations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "collection/account/declarations.html",
        {
            "declarations": declarations_of(request.user),
            "can_declare": request.user.has_perm(DECLARE),
        },
    )


@login_required
@permission_required(DECLARE, raise_exception=True)
def declaration_start(request: HttpRequest) -> HttpResponse:
    """Choose the subject and the item: each bound subject with the items it may declare."""
    provider = declaration_provider()
    choices = [(subject, declarable_items(subject, provider)) for subject in bound_subjects(request.user)]
    return render(
        request,
        "collection/account/declaration_start.html",
        {
            "choices": choices,
            "provider": provider,
        },
    )


@login_required
@permission_required(DECLARE, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(_attachments)
def declaration_new(request: HttpRequest, subject_pk: int, item_code: str) -> HttpResponse:
    subject = get_object_or_404(bound_subjects(request.user), pk=subject_pk)
    provider = declaration_provider()
    item = next((i for i in declarable_items(subject, provider) if i.code == item_code), None)
    if item is None:
        raise Http404("item not declarable for this subject")
    data_form = ItemDataForm(request.POST or None, item=item, exclude=locked_keys())
    files_form = AttachmentsForm(request.POST or None, request.FILES or None, max_files=MAX_ATTACHMENTS)
    if request.method == "POST" and _both_valid(data_form, files_form):
        try:
            declaration = submit_declaration(
                declarant=request.user,
                subject=subject,
                item_code=item.code,
                data=data_form.raw_data(),
                attachments=files_form.cleaned_data["attachments"],
            )
        except DeclarationError as exc:
            apply_errors(data_form, {k: v for k, v in exc.errors.items() if k != "attachments"}, exc.message)
            if "attachments" in exc.errors:
                apply_errors(files_form, {"attachments": exc.errors["attachments"]})
        else:
            messages.success(request, _("申报已提交。请将原始证明材料送市工业和信息化局核验，审核结果将在本页显示。"))
            return redirect("account:declaration_detail", pk=declaration.pk)
    return render(
        request,
        "collection/account/declaration_form.html",
        {
            "subject": subject,
            "item": item,
            "provider": provider,
            "data_form": data_form,
            "files_form": files_form,
            "filled": _filled_rows(item, subject, provider),
        },
    )


def _both_valid(*forms) -> bool:
    return all([form.is_valid() for form in forms])  # a list: every form shows its errors


def _filled_rows(item, subject, provider):
    """The platform-filled values, shown read-only so the declarant sees the whole record."""
    if provider is None:
        return []
    return data_rows(item, locked_values(item, subject, provider))


@login_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_own_declaration(request.user, pk)
    return render(
        request,
        "collection/account/declaration_detail.html",
        {
            "declaration": declaration,
            "rows": data_rows(declaration.catalog_item, declaration.data),
            "attachments": declaration.attachments.order_by("pk"),
        },
    )


@login_required
@never_cache
def declaration_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_own_attachment(request.user, pk, attachment_pk)
    return private_file_response(
        attachment.file.open("rb"), name=attachment.original_name, content_type=attachment.content_type
    )
