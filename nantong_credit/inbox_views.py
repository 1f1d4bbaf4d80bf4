"""The in-site inbox (站内信): every user's notifications, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    messages = Notification.objects.filter(recipient=request.user)  # type: ignore[misc]  # login_required
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/list.html", {"page": page})


@login_required
@require_POST
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's message is a 404, so that ids reveal nothing.
    message = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(request.user, message)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return redirect("inbox:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("inbox:list")
