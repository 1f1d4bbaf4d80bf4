"""Who follows which subject, and how far the sweep that tells them has read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collection.models import Subject


class Follow(models.Model):
    # Led by the unique (user, subject) below: no index of its own. The subject's index finds a
    # subject's followers when the sweep tells them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", db_index=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("关注时间"), auto_now_add=True)
    last_notified_at = models.DateTimeField(_("最近一次通知"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "subject"], name="one_follow_per_user_and_subject")]
        verbose_name = _("关注")
        verbose_name_plural = _("关注")

    def __str__(self) -> str:
        return f"{self.user} → {self.subject}"


class FollowSweepState(models.Model):
    """The one row saying up to which record revision the follow sweep has told everyone.

    Revisions are read by id. An id below the watermark that is not visible yet (a gap) may belong
    to a transaction still running — a bulk import commits its whole file at once — so the
    watermark waits at a gap until every transaction of this database that was running a minute
    after the gap was first seen has ended (`gap_horizon`, a PostgreSQL transaction id); then the
    gap is a rollback.
    """

    last_revision_id = models.BigIntegerField(default=0)
    gap_at = models.BigIntegerField(null=True, blank=True)
    gap_seen_at = models.DateTimeField(null=True, blank=True)
    gap_horizon = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("关注通知进度")
        verbose_name_plural = _("关注通知进度")
