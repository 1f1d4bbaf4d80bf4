"""关注: `/subjects/<code>/follow/`, `/subjects/<code>/unfollow/` and 我的关注 `/account/follows/`,
mounted at the site's root so that the buttons live under the subject's own address."""

from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("subjects/<str:code>/follow/", views.follow, name="follow"),
    path("subjects/<str:code>/unfollow/", views.unfollow, name="unfollow"),
    path("account/follows/", views.mine, name="mine"),
]
