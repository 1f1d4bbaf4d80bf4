"""Make the case files (案卷, Art. 20) of closed cases that have none: the cases closed before case
files existed, and any whose task was lost. Safe to run again: a case that has its case file is
passed over, so a second run makes nothing."""

from django.core.management.base import BaseCommand

from nantong_credit import case_files


class Command(BaseCommand):
    help = "为尚无案卷的已办结异议及信用修复案件生成案卷并登记档案 / make the missing case files of closed cases"

    def handle(self, *args, **options) -> None:
        for label, files in case_files.registered().items():
            missing = list(files.missing())
            made = failed = 0
            for case_id in missing:
                try:
                    made += files.make(case_id) is not None
                except Exception as exc:  # one broken case must not stop the others
                    failed += 1
                    self.stderr.write(f"{label} #{case_id}: {exc}")
            self.stdout.write(f"{label}: 缺少案卷 missing {len(missing)}, 已生成 made {made}, 失败 failed {failed}")
