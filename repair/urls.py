from django.urls import path

from . import views

app_name = "repair"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="evidence"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/<str:number>/", views.follow_up_case, name="follow_up_case"),
]
