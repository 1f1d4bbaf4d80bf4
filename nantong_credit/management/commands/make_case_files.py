"""Make the case files (案卷, Art. 20) of closed cases that have none: the cases closed before case
files existed, and any whose task was lost. Safe to run again: a case that has its case file is
passed over, so a second run makes nothing."""

from django.core.management.base import BaseCommand

from nantong_credit import case_files


class Command(BaseCommand):
    help = "为尚无案卷的已办结异议及信用修复案件生成案卷并登记档案 / make the missing case files of closed cases"

    def handle(self, *args, **options) -> None:
        for label, result in case_files.make_missing().items():
            self.stdout.write(
                f"{label}: 缺少案卷 missing {result.missing}, 已生成 made {result.made}, 失败 failed {result.failed}"
            )
            if result.failed:
                self.stderr.write(f"{label}: {result.failed} 件未能生成，原因见日志 / see the log for why")
