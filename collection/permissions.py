"""Object-level rules of the collection back office: a provider's staff see only their provider."""

from django.http import Http404

from catalog.models import Provider
from catalog.selectors import providers_of


def get_provider_for_staff(user, code: str) -> Provider:
    """The active provider `code` if `user` is one of its staff; 404 to everyone else, so that
    outsiders cannot even learn which provider codes exist."""
    provider = providers_of(user).filter(code=code).first()
    if provider is None:
        raise Http404("no such provider for this user")
    return provider
