"""Header and footer links are reversed once per process (`{% fixed_url %}`), and stay right."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

pytestmark = pytest.mark.django_db

NAV = [
    "portal:home",
    "subjects:search",
    "catalog:public",
    "reports:verify",
    "account:register",
    "login",
    "objections:follow_up",
    "repair:follow_up",
    "catalog_api:catalog",
]


def render(name: str) -> str:
    return Template("{% load site_urls %}{% fixed_url name %}").render(Context({"name": name}))


def test_every_page_links_the_header_and_footer_pages(client):
    page = client.get("/subjects/").content.decode()
    for name in NAV:
        assert f'href="{reverse(name)}"' in page, name


def test_a_fixed_url_is_the_reversed_url():
    for name in NAV:
        assert render(name) == reverse(name)


def test_a_fixed_url_follows_the_script_prefix():
    assert render("subjects:search") == "/subjects/"
    set_script_prefix("/credit/")
    try:
        assert render("subjects:search") == "/credit/subjects/"
    finally:
        clear_script_prefix()
    assert render("subjects:search") == "/subjects/"


urlpatterns = []  # an URL configuration without the portal's pages


def test_a_fixed_url_follows_a_new_url_configuration():
    assert render("subjects:search") == "/subjects/"
    with override_settings(ROOT_URLCONF=__name__):
        with pytest.raises(NoReverseMatch):
            render("subjects:search")
    assert render("subjects:search") == "/subjects/"
