"""What the follows page and the subject page's button read."""

from django.db.models import QuerySet

from collection.models import Subject

from .models import Follow


def follows_of(user) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user).select_related("subject").order_by("-created_at", "-id")


def is_following(user, subject: Subject) -> bool:
    if user is None or not user.is_authenticated or subject is None:
        return False
    return Follow.objects.filter(user=user, subject=subject).exists()
