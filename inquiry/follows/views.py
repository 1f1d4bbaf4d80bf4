"""关注: the follow and unfollow buttons of a subject page (POST only) and 我的关注."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from collection.models import Subject

from ..search import public_subject
from .selectors import follows_of
from .services import FOLLOW_LIMIT, FollowError, follow_subject, unfollow_subject


def _subject_or_404(code: str) -> Subject:
    subject = public_subject(code)
    if subject is None:
        raise Http404(_("未找到该主体"))
    return subject


def _back(request: HttpRequest, subject: Subject) -> HttpResponse:
    """To the page the button was on: the subject page, or 我的关注 when sent from there."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("subjects:detail", code=subject.code)


@require_POST
def follow(request: HttpRequest, code: str) -> HttpResponse:
    subject = _subject_or_404(code)
    if not request.user.is_authenticated:
        # After logging in the visitor lands on the subject page, where the button waits.
        return redirect_to_login(reverse("subjects:detail", args=[subject.code]))
    try:
        follow_subject(user=request.user, subject=subject)
    except FollowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已关注%(name)s：其公开信用信息新增或变更时，将通过站内消息和邮件通知您。") % {"name": subject.name},
        )
    return _back(request, subject)


@require_POST
def unfollow(request: HttpRequest, code: str) -> HttpResponse:
    subject = _subject_or_404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("subjects:detail", args=[subject.code]))
    if unfollow_subject(user=request.user, subject=subject):
        messages.success(request, _("已取消关注%(name)s。") % {"name": subject.name})
    else:
        messages.info(request, _("您没有关注%(name)s。") % {"name": subject.name})
    return _back(request, subject)


@login_required
@require_GET
@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    follows = list(follows_of(request.user))
    return render(request, "inquiry/follows/mine.html", {"follows": follows, "limit": FOLLOW_LIMIT})
