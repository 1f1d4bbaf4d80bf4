"""The subject's own area (我的信用), mounted at /account/credit/."""

from django.urls import path

from . import views

app_name = "my_credit"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.subject_page, name="subject"),
    path("<int:pk>/views/", views.looks_page, name="looks"),
    path("<int:subject_pk>/authorizations/<int:pk>/", views.authorization_page, name="authorization"),
    path("<int:subject_pk>/authorizations/<int:pk>/grant/", views.grant, name="grant"),
    path("<int:subject_pk>/authorizations/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:subject_pk>/authorizations/<int:pk>/revoke/", views.revoke, name="revoke"),
]
