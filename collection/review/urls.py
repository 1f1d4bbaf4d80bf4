"""Review queues of the collection back office, mounted at /office/collection/review/ inside the
`collection_office` namespace (set by office_urls; no app_name here)."""

from django.urls import path

from . import appointment_views, views

urlpatterns = [
    path("bindings/", views.bindings, name="bindings"),
    path("bindings/<int:pk>/", views.binding_detail, name="binding_detail"),
    path("bindings/<int:pk>/approve/", views.approve_binding_view, name="approve_binding"),
    path("bindings/<int:pk>/reject/", views.reject_binding_view, name="reject_binding"),
    path("bindings/<int:pk>/revoke/", views.revoke_binding_view, name="revoke_binding"),
    path("bindings/<int:pk>/evidence/<int:evidence_pk>/", views.binding_evidence, name="binding_evidence"),
    path("identities/", views.identities, name="identities"),
    path("identities/<int:pk>/", views.verify_identity_view, name="verify_identity"),
    path("appointments/", appointment_views.day_list, name="appointments"),
    path("appointments/<int:pk>/", appointment_views.detail, name="appointment"),
    path("appointments/<int:pk>/no-show/", appointment_views.no_show, name="appointment_no_show"),
    path("window/", appointment_views.service_window, name="service_window"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/originals/", views.declaration_originals, name="declaration_originals"),
    path("declarations/<int:pk>/approve/", views.approve_declaration_view, name="approve_declaration"),
    path("declarations/<int:pk>/reject/", views.reject_declaration_view, name="reject_declaration"),
    path("declarations/<int:pk>/found-false/", views.declaration_found_false, name="declaration_found_false"),
    path(
        "declarations/<int:pk>/attachments/<int:attachment_pk>/",
        views.declaration_attachment,
        name="declaration_attachment",
    ),
]
