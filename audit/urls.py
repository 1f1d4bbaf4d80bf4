from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("verify/", views.verify, name="verify"),
    path("verify/<int:pk>/", views.verification_detail, name="verification"),
]
