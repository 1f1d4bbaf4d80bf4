"""The project's side of the backup drill (deploy/backup-drill): write through the project's own
code, and describe what a database and its files hold, so the drill can compare a restored
copy with the moment it was restored to.

    python deploy/backup_drill.py before|between|after|state
    python deploy/backup_drill.py summary STATE.json

`before`, `between` and `after` submit records through the collection service (audit events come with
them), store and delete files through the storage API and anchor the audit chain in a new
checkpoint, as production does; `after` also brings a new subject and deletes a file. `state` prints JSON: counts,
every stored file's name and SHA-256, the checkpoints, and the audit chain's verification.
Settings come from the environment (DATABASE_URL, MEDIA_ROOT, AUDIT_CHECKPOINT_DIR, ...).
"""

import dataclasses
import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import Storage, default_storage  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from audit.checkpoints import checkpoint_storage, write_checkpoint  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from audit.verification import verify_chain  # noqa: E402
from catalog.models import Provider  # noqa: E402
from collection.demo import penalties, records, subjects  # noqa: E402
from collection.models import CreditRecord, Subject  # noqa: E402
from collection.services.records import submit_record  # noqa: E402

DRILL_DIR = "reports/backup-drill"
# A demo penalty whose values the drill's records reuse under new document numbers.
TEMPLATE = next(spec for spec in penalties.PENALTIES if spec.subject == "zhongxiu_pharmacy")


def submit_penalty(number: str, *, new_subject: int | None = None) -> None:
    """One penalty record by the template's provider; for `new_subject` n, against a company
    the platform has not seen (its code made valid with python-stdnum)."""
    spec = dataclasses.replace(TEMPLATE, source_key=number, data={**TEMPLATE.data, "penalty_document_number": number})
    data = records.build_data(spec)
    subject = records.subject_payload(subjects.BY_KEY[spec.subject])
    if new_subject is not None:
        code = f"91320602MA{new_subject:07d}"
        identifier = code + uscc.calc_check_digit(code)
        subject = {**subject, "name": f"南通备份演练{new_subject}号有限公司", "identifier": identifier}
        data.update(subject_name=subject["name"], uscc=subject["identifier"])
    submit_record(
        provider=Provider.objects.get(code=spec.provider),
        item_code=spec.item,
        source_key=number,
        subject=subject,
        data=data,
        channel="api",
    )


def store(name: str) -> None:
    default_storage.save(f"{DRILL_DIR}/{name}", ContentFile(os.urandom(4096)))


def before() -> None:
    """Before the base backup."""
    for n in (1, 2):
        submit_penalty(f"通市监处罚〔2026〕备份演练前{n}号")
    store("kept.bin")
    store("deleted-later.bin")
    write_checkpoint()


def between() -> None:
    """After the base backup and before T: the database comes back from the archived WAL, the
    files from a later snapshot (`deploy/backup --files-only`)."""
    for n in (1, 2):
        submit_penalty(f"通市监处罚〔2026〕备份演练中{n}号")
    store("between.bin")
    write_checkpoint()


def after() -> None:
    """After T: none of this may come back."""
    for n in (1, 2):
        submit_penalty(f"通市监处罚〔2026〕备份演练后{n}号")
    submit_penalty("通市监处罚〔2026〕备份演练后3号", new_subject=4242)
    store("added-later.bin")
    default_storage.delete(f"{DRILL_DIR}/deleted-later.bin")
    write_checkpoint()


def summary(path: str) -> str:
    with open(path) as file:
        found = json.load(file)
    return (
        f"{found['records']} records, {found['subjects']} subjects, {found['audit_events']} audit events, "
        f"{len(found['files'])} files, {len(found['checkpoints'])} checkpoints"
    )


def walk(storage: Storage, path: str = "") -> dict[str, str]:
    """Every file under `path` with its SHA-256, read through the storage API."""
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return {}
    found = {}
    for name in files:
        full = f"{path}/{name}" if path else name
        with storage.open(full) as file:
            found[full] = hashlib.sha256(file.read()).hexdigest()
    for name in dirs:
        found.update(walk(storage, f"{path}/{name}" if path else name))
    return found


def state() -> dict:
    report = verify_chain()
    return {
        "records": CreditRecord.objects.count(),
        "subjects": Subject.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "files": walk(default_storage),
        "checkpoints": sorted(walk(checkpoint_storage())),
        "audit_chain": {
            "ok": report.ok,
            "checked": report.checked,
            "anchored": report.anchored,
            "problem": report.problem,
        },
    }


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) >= 2 else ""
    if command in ("before", "between", "after"):
        globals()[command]()
    elif command == "state":
        print(json.dumps(state(), ensure_ascii=False, indent=1, sort_keys=True))
    elif command == "summary" and len(sys.argv) == 3:
        print(summary(sys.argv[2]))
    else:
        sys.exit(__doc__)
