from django.urls import path

from . import views

# The site's home page (`portal:home`): the kernel's root URLconf includes it by its dotted name.
app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
]
