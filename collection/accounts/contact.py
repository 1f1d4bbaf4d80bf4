"""联系我们 (/contact/): the center's service window as its clerks keep it (`ServiceWindow`, the
same one identity-verification appointments are booked at), with the settings' address and
phone where the window has none yet. Here rather than with the kernel's other site pages
because the kernel reads no app's models."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .appointments import opening_hours, service_window


@require_safe
@cache_control(public=True, max_age=600)
def contact(request: HttpRequest) -> HttpResponse:
    window = service_window()
    return render(
        request,
        "info/contact.html",
        {
            "center_address": window.address or settings.CENTER_ADDRESS,
            "center_phone": window.phone or settings.CENTER_PHONE,
            "center_email": settings.CENTER_EMAIL,
            "center_hours": opening_hours(window),
            "window_notes": window.notes,
        },
    )


urlpatterns = [path("", contact, name="contact")]
