"""Back-office pages of a provider's staff: the provider's API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..models import ApiToken
from ..permissions import get_provider_for_staff
from ..selectors import tokens_of
from ..services.tokens import TokenAlreadyRevoked, create_api_token, revoke_api_token
from .forms import ApiTokenForm


@login_required
@permission_required("collection.view_apitoken", raise_exception=True)
@require_http_methods(["GET", "POST"])
@never_cache  # the response to a creation carries the key: no cache may keep it
def tokens(request: HttpRequest, code: str) -> HttpResponse:
    provider = get_provider_for_staff(request.user, code)
    can_add = request.user.has_perm("collection.add_apitoken")
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            # Rendered, not redirected: the key must not travel through the session or a URL.
            created = create_api_token(provider=provider, name=form.cleaned_data["name"], actor=request.user)
            form = ApiTokenForm()
    return render(
        request,
        "collection/tokens.html",
        {
            "provider": provider,
            "tokens": tokens_of(provider),
            "form": form,
            "can_add": can_add,
            "can_revoke": request.user.has_perm("collection.change_apitoken"),
            "new_token": created[0] if created else None,
            "new_key": created[1] if created else None,
        },
    )


@login_required
@permission_required("collection.change_apitoken", raise_exception=True)
@require_POST
def revoke_token(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider = get_provider_for_staff(request.user, code)
    token = get_object_or_404(ApiToken.objects.select_related("provider"), pk=pk, provider=provider)
    try:
        revoke_api_token(token=token, actor=request.user)
    except TokenAlreadyRevoked as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(
            request,
            _("已吊销接口令牌“%(name)s”（%(prefix)s…），使用该令牌的系统将无法再报送。")
            % {"name": token.name, "prefix": token.prefix},
        )
    return redirect("collection_office:tokens", code=provider.code)
