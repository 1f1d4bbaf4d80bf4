"""The requester's authorized queries (Art. 11), mounted at /authorizations/."""

from django.urls import path

from . import views

app_name = "authorizations"

urlpatterns = [
    path("", views.authorization_list, name="list"),
    path("new/", views.authorization_new, name="new"),
    path("<int:pk>/", views.authorization_detail, name="detail"),
    path("<int:pk>/letter/", views.authorization_letter, name="letter"),
]
