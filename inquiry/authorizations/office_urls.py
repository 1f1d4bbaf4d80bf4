"""The clerk's review of signed authorization letters, mounted at /office/authorizations/."""

from django.urls import path

from . import office_views as views

app_name = "authorization_office"

urlpatterns = [
    path("", views.letters, name="letters"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/approve/", views.letter_approve, name="approve"),
    path("<int:pk>/reject/", views.letter_reject, name="reject"),
    path("<int:pk>/letter/", views.letter_file, name="letter"),
]
