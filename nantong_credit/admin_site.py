"""Django's admin behind the portal's login.

The admin's own login form checks the password only; posting a username and password to it
gave a session that skipped the second factor. The admin has no login form of its own here: it
sends people to the portal's, and admits a session only when the two-factor rules allow it
(the same rules `middleware.SecondFactorMiddleware` applies to every page).
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor


class AdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(reverse("admin:index"))
            # Logged in, but not as someone the admin admits: the portal's login would only
            # send the person back here.
            raise PermissionDenied
        return redirect_to_login(next_url, reverse("login"))

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) and not two_factor.lacks_code(user) and not two_factor.must_enrol(user)
