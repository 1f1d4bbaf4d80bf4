from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Registered users give their real name and ID number (Art. 10, 11).

    The ID number is personal information: kept encrypted, found by keyed hash, shown masked.
    `identity_verified_at` is the seam for a real identity check (e.g. the province's unified
    identity platform); until one is connected a clerk sets it after seeing the person's papers.
    """

    real_name = models.CharField(_("真实姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True)
    identity_verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)
    # Registration gives the same answer whether an ID number is free or not (else it tells
    # anyone who has an account). An account registered with a number that another account
    # already holds keeps the number encrypted and masked but not its hash, points here to that
    # account, and cannot be verified; the holder of the number is told.
    id_number_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("公民身份号码已由该账号注册"),
    )

    class Meta:
        permissions = [("verify_identity", _("核验实名身份"))]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="one_account_per_id_number"
            )
        ]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def role_names(self) -> set[str]:
        return set(self.groups.values_list("name", flat=True))


class HolidayNotice(models.Model):
    """The State Council's yearly notice of public holidays (国务院办公厅关于某年部分节假日安排的通知).

    A year counts as known to the calendar when the library knows it or when its notice has
    been entered here; the notice's days become `WorkdayOverride` rows.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=50, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    text = models.TextField(_("录入内容"), blank=True)
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")
        permissions = [("manage_calendar", _("维护工作日日历"))]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class WorkdayOverride(models.Model):
    """One day whose status differs from what the calendar library (or the fallback of an unknown year) says."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    notice = models.ForeignKey(HolidayNotice, on_delete=models.CASCADE, null=True, blank=True, related_name="overrides")

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.note}"


class Notification(models.Model):
    """A message in a user's in-site inbox (站内信); the same text is also sent by email.

    Workflows with legal deadlines (objections, repair, authorisations) tell every party of each
    step here, so that a user who ignores email still finds it when logging in.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")

    def __str__(self) -> str:
        return self.title
