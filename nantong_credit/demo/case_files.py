"""The demo's closed cases get their case files (Art. 20), whichever app they belong to: the same
backfill as `manage.py make_case_files`, run in the seed so that the archive shows them at once
(with a broker, the closing steps' tasks would wait for a worker)."""

from nantong_credit import case_files

from .loader import DemoRun


def ensure_case_files(run: DemoRun) -> None:
    for label, files in case_files.registered().items():
        made = [files.make(case_id) for case_id in list(files.missing())]
        for case_file in made:
            run.report.count("case files", case_file is not None)
        if made:
            run.report.info.append(f"{label} 案卷 {len(made)} 件已登记档案")
