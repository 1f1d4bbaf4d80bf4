"""The account area of the portal, mounted at /account/."""

from django.urls import path

from . import appointment_views, views

app_name = "account"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("identity/", appointment_views.identity, name="identity"),
    path("identity/appointments/<int:pk>/cancel/", appointment_views.cancel, name="identity_cancel"),
    path("bindings/new/", views.binding_new, name="binding_new"),
    path("bindings/<int:pk>/", views.binding_detail, name="binding_detail"),
    path("bindings/<int:pk>/evidence/<int:evidence_pk>/", views.binding_evidence, name="binding_evidence"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/new/", views.declaration_start, name="declaration_start"),
    path("declarations/new/<int:subject_pk>/<slug:item_code>/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path(
        "declarations/<int:pk>/attachments/<int:attachment_pk>/",
        views.declaration_attachment,
        name="declaration_attachment",
    ),
]
