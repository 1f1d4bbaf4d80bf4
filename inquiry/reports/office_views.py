"""The government user's check of a credit report a company handed in (信用代证), at
/office/government/reports/verify/: the public page's form, behind the back office's login,
with the check written to the audit trail and the query log."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from nantong_credit.uploads import limit_request_body

from .forms import VERIFY_MAX_BYTES, VerifyForm
from .verification import file_sha256, verify_in_office

VERIFY_IN_OFFICE = "inquiry.verify_in_office"
FORM_OVERHEAD = 64 * 1024


@login_required
@permission_required(VERIFY_IN_OFFICE, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(VERIFY_MAX_BYTES + FORM_OVERHEAD)
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    result = None
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("file")
        result = verify_in_office(
            user=request.user, code=form.cleaned_data["code"], sha256=file_sha256(upload) if upload else ""
        )
    return render(request, "inquiry/reports/office_verify.html", {"form": form, "result": result})
