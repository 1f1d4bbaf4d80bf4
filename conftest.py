"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from nantong_credit import roles


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager_celery(settings):
    """Run Celery tasks in-process for the tests that ask for it."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from nantong_credit.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def make_user(django_user_model, username: str, *role_names: str, **extra):
    user = django_user_model.objects.create_user(username=username, password="Nt-test-password-1", **extra)
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def user_with_role(django_user_model, db):
    """`user_with_role("alice", roles.CATALOG_ADMIN)` makes a user holding those roles."""

    def factory(username: str, *role_names: str, **extra):
        return make_user(django_user_model, username, *role_names, **extra)

    return factory


@pytest.fixture
def catalog_admin(user_with_role):
    return user_with_role("alice", roles.CATALOG_ADMIN)


@pytest.fixture
def auditor(user_with_role):
    return user_with_role("aaron", roles.AUDITOR)


@pytest.fixture
def provider_staff(user_with_role):
    return user_with_role("bob", roles.PROVIDER_STAFF)


@pytest.fixture
def clerk(user_with_role):
    return user_with_role("carol", roles.CENTER_CLERK)


@pytest.fixture
def nobody(user_with_role):
    """A logged-in account without any role (e.g. a fresh registration)."""
    return user_with_role("charlie")
