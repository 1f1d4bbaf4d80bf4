"""Following a subject (关注) and ceasing to: one function each, in a transaction, audited."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from collection.models import Subject

from .models import Follow

FOLLOW_LIMIT = 50


class FollowError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def follow_subject(*, user, subject: Subject) -> Follow:
    """Follow `subject`; following it again changes nothing. Only subjects with a public page
    (never a natural person, whose records are not public), at most FOLLOW_LIMIT per account."""
    if subject.is_natural_person or not subject.code:
        raise FollowError(_("自然人的信用信息不向社会公开，不能关注。"))
    with transaction.atomic():
        # The account's row is the lock: two follows sent at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = Follow.objects.filter(user=user, subject=subject).first()
        if existing is not None:
            return existing
        if Follow.objects.filter(user=user).count() >= FOLLOW_LIMIT:
            raise FollowError(
                _("每个账号最多关注%(n)d个主体，您已达到上限。请先在“我的关注”中取消关注不再需要的主体。")
                % {"n": FOLLOW_LIMIT}
            )
        follow = Follow.objects.create(user=user, subject=subject)
        record_event(
            action="subject.follow",
            actor=user,
            obj=subject,
            summary=f"关注 {subject.name}",
        )
    return follow


def unfollow_subject(*, user, subject: Subject) -> bool:
    """Stop following `subject`; False when the account did not follow it (nothing to record)."""
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(user=user, subject=subject).delete()
        if not deleted:
            return False
        record_event(
            action="subject.unfollow",
            actor=user,
            obj=subject,
            summary=f"取消关注 {subject.name}",
        )
    return True
