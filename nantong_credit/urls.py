from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import metrics, two_factor_views, views
from .security_headers import csp_override

# Redoc styles its page with <style> elements it writes at run time (styled-components) and
# searches in a worker it starts from a blob: URL; scripts stay 'self' only.
REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": ["'self'", "'unsafe-inline'"],
    "worker-src": ["'self'", "blob:"],
}

office_patterns = (
    [
        path("", views.office_home, name="home"),
    ],
    "office",
)

urlpatterns = [
    path("", include("catalog.portal_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # Departments' systems call the API thousands of times an hour: resolved before the pages.
    path("api/v1/", include("nantong_credit.api_urls")),
    path("catalog/", include("catalog.urls")),
    path("", include("nantong_credit.info_urls")),
    path("contact/", include("collection.accounts.contact")),
    path("", include("supervision.public_urls")),
    path("", include("inquiry.follows.urls")),
    path("subjects/", include("inquiry.public.urls")),
    path("lists/", include("inquiry.lists.urls")),
    path("reports/", include("inquiry.reports.urls")),
    path("authorizations/", include("inquiry.authorizations.urls")),
    path("agencies/", include("inquiry.agencies.urls")),
    path("objections/", include("objections.urls")),
    path("repair/", include("repair.urls")),
    path("inbox/", include("nantong_credit.inbox_urls")),
    path("office/", include(office_patterns)),
    path("office/catalog/", include("catalog.office_urls")),
    path("office/calendar/", include("nantong_credit.calendar_urls")),
    path("office/collection/", include("collection.office_urls")),
    path("office/audit/", include("audit.urls")),
    path("office/archive/", include("audit.archive_urls")),
    path("office/authorizations/", include("inquiry.authorizations.office_urls")),
    path("office/agencies/", include("inquiry.agencies.office_urls")),
    path("office/government/", include("inquiry.government.urls")),
    path("office/objections/", include("objections.office_urls")),
    path("office/repair/", include("repair.office_urls")),
    path("office/supervision/", include("supervision.office_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from ?script, so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", csp_override(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("account/credit/", include("inquiry.account.urls")),
    path("account/", include("collection.accounts.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/verify/", two_factor_views.verify, name="login_verify"),
    path("accounts/two-factor/", two_factor_views.settings_page, name="two_factor"),
    path("accounts/two-factor/recovery-codes/", two_factor_views.recovery_codes_page, name="two_factor_recovery"),
    path(
        "accounts/two-factor/recovery-codes/download/",
        two_factor_views.recovery_codes_download,
        name="two_factor_recovery_download",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "nantong_credit.views.bad_request"
handler403 = "nantong_credit.views.permission_denied"
handler404 = "nantong_credit.views.page_not_found"
handler500 = "nantong_credit.views.server_error"
