"""Checking a credit report at /reports/verify/: anyone, without an account, enters the
verification code printed on it or uploads the PDF (SPEC §2).

A code proves that the platform issued a report with that number for that subject at that time;
only the file's SHA-256, compared with the hash stored when the report was generated, proves that
a PDF is unaltered: one changed byte and it matches no report. Every check is written to the
audit trail (a check is a query about a subject's report).
"""

import hashlib
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from inquiry.models import CreditReport

from .services import normalise_code

CHUNK = 64 * 1024


class Outcome(models.TextChoices):
    GENUINE_CODE = "genuine_code", gettext_lazy("验证码有效")
    GENUINE_FILE = "genuine_file", gettext_lazy("报告真实且未被篡改")
    UNKNOWN_CODE = "unknown_code", gettext_lazy("验证码不存在")
    FILE_UNKNOWN = "file_unknown", gettext_lazy("文件与平台出具的任何报告都不一致")
    FILE_MISMATCH = "file_mismatch", gettext_lazy("文件与验证码对应的报告不一致")


@dataclass(frozen=True)
class VerificationResult:
    outcome: str
    report: CreditReport | None = None
    code: str = ""
    uploaded_sha256: str = ""

    @property
    def is_genuine(self) -> bool:
        return self.outcome in (Outcome.GENUINE_CODE, Outcome.GENUINE_FILE)

    @property
    def kind_label(self) -> str:
        return _("专项信用报告") if self.report is not None and self.report.is_special else _("信用报告")

    @property
    def headline(self) -> str:
        kind = self.kind_label
        return {
            Outcome.GENUINE_FILE: _("核验通过：该文件是南通信用网出具的%(kind)s原件，内容未被篡改。") % {"kind": kind},
            Outcome.GENUINE_CODE: _("核验通过：验证码有效，南通信用网出具过下列%(kind)s。") % {"kind": kind},
            Outcome.UNKNOWN_CODE: _(
                "核验未通过：未找到验证码为“%(code)s”的信用报告。请核对验证码；如确认无误，该报告不是南通信用网出具的。"
            )
            % {"code": self.code},
            Outcome.FILE_UNKNOWN: _(
                "核验未通过：上传的文件与南通信用网出具的任何信用报告都不一致。"
                "文件可能已被修改，或不是本平台出具的报告。"
            ),
            Outcome.FILE_MISMATCH: _("核验未通过：上传的文件与验证码“%(code)s”对应的信用报告不一致，文件可能已被修改。")
            % {"code": self.code},
        }[self.outcome]


def file_sha256(upload) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _ready_reports():
    return CreditReport.objects.filter(status=CreditReport.Status.READY).select_related("subject")


def verify_report(*, code: str = "", sha256: str = "", actor=None, channel: str = "portal") -> VerificationResult:
    """Check a code, a file's hash, or both (then the file must be that code's report).
    `channel` says where: the public page (`portal`) or a government user's back office (`office`)."""
    code = normalise_code(code)
    if not code and not sha256:
        raise ValueError("verify_report needs a code or a file hash")
    if code:
        report = _ready_reports().filter(verification_code=code).first()
        if report is None:
            result = VerificationResult(Outcome.UNKNOWN_CODE, code=code, uploaded_sha256=sha256)
        elif sha256 and sha256 != report.sha256:
            result = VerificationResult(Outcome.FILE_MISMATCH, report, code, sha256)
        else:
            result = VerificationResult(Outcome.GENUINE_FILE if sha256 else Outcome.GENUINE_CODE, report, code, sha256)
    else:
        report = _ready_reports().filter(sha256=sha256).first()
        outcome = Outcome.GENUINE_FILE if report is not None else Outcome.FILE_UNKNOWN
        result = VerificationResult(outcome, report, uploaded_sha256=sha256)
    _record(result, actor, channel)
    return result


def _record(result: VerificationResult, actor, channel: str) -> None:
    report = result.report
    with transaction.atomic():
        record_event(
            action="report.verify",
            actor=actor,
            obj=report,
            object_type="" if report else CreditReport._meta.label_lower,
            summary=f"{'工作台' if channel == 'office' else ''}核验{result.kind_label}"
            f"{' ' + report.number if report else ''}：{Outcome(result.outcome).label}",
            after={
                "outcome": result.outcome,
                "channel": channel,
                "method": "file" if result.uploaded_sha256 else "code",
                "code": result.code,
                "sha256": result.uploaded_sha256,
            },
        )


def verify_in_office(*, user, code: str = "", sha256: str = "") -> VerificationResult:
    """A government user checks a report a company handed in (信用代证): audited like any check,
    and, when the report is found, written to the query log, so that the subject sees which
    agency looked at its report (Art. 11)."""
    from inquiry.models import QueryLog
    from inquiry.querylog import log_query

    with transaction.atomic():
        result = verify_report(code=code, sha256=sha256, actor=user, channel="office")
        if result.report is not None:
            log_query(
                kind=QueryLog.Kind.GOVERNMENT,
                actor=user,
                subject=result.report.subject,
                purpose=_("核验企业提交的%(kind)s") % {"kind": result.kind_label},
                terms=result.report.number,
            )
    return result
