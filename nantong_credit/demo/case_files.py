"""The demo's closed cases get their case files (Art. 20), whichever app they belong to: the same
backfill as `manage.py make_case_files`, run in the seed so that the archive shows them at once
(with a broker, the closing steps' tasks would wait for a worker)."""

from nantong_credit import case_files

from .loader import DemoRun


def ensure_case_files(run: DemoRun) -> None:
    for label, result in case_files.make_missing().items():
        for _made in range(result.made):
            run.report.count("case files", True)
        if result.made:
            run.report.info.append(f"{label} 案卷 {result.made} 件已登记档案")
        if result.failed:
            run.report.notes.append(f"{label} 案卷 {result.failed} 件未能生成")
