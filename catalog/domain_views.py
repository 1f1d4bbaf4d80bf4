"""The 领域 of special credit reports (信用代证) in the back office, kept by the commission
(catalog_admin) at /office/catalog/domains/: thin views over `catalog.domains`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import domains
from .domain_forms import DomainForm
from .models import CreditDomain
from .selectors import published_version

VIEW_DOMAINS = "catalog.view_creditdomain"
ADD_DOMAIN = "catalog.add_creditdomain"
CHANGE_DOMAIN = "catalog.change_creditdomain"


@login_required
@permission_required(VIEW_DOMAINS, raise_exception=True)
def domain_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/office/domains.html",
        {
            "domains": domain_rows(),
            "can_add": request.user.has_perm(ADD_DOMAIN),
            "can_change": request.user.has_perm(CHANGE_DOMAIN),
        },
    )


@login_required
@permission_required(ADD_DOMAIN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def domain_add(request: HttpRequest) -> HttpResponse:
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        providers = data.pop("providers")
        if _saved(form, lambda: domains.create_domain(actor=request.user, providers=providers, **data)):
            messages.success(request, _("领域“%(name)s”已新增。") % {"name": data["name"]})
            return redirect("catalog_office:domains")
    return render(request, "catalog/office/domain_form.html", {"form": form, "page_title": _("新增领域")})


@login_required
@permission_required(CHANGE_DOMAIN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def domain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    domain = get_object_or_404(CreditDomain, pk=pk)
    form = DomainForm(request.POST or None, instance=domain)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "code"}
        providers = data.pop("providers")
        if _saved(form, lambda: domains.update_domain(domain=domain, actor=request.user, providers=providers, **data)):
            messages.success(request, _("领域“%(name)s”已保存。") % {"name": data["name"]})
            return redirect("catalog_office:domains")
    return render(
        request, "catalog/office/domain_form.html", {"form": form, "page_title": _("编辑领域：%s") % domain.name}
    )


def domain_rows() -> list[dict]:
    """Each domain with its providers' short names and its items' names (not their codes)."""
    version = published_version()
    names = dict(version.items.values_list("code", "name")) if version else {}
    return [
        {
            "domain": domain,
            "providers": [p.short_name or p.name for p in domain.providers.all()],
            "items": [names.get(code, code) for code in domain.item_codes],
        }
        for domain in CreditDomain.objects.prefetch_related("providers").order_by("position", "code")
    ]


def _saved(form: DomainForm, save) -> bool:
    try:
        save()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True
