"""Files in an S3-compatible object store (issue 13 item 3): with STORAGE_BACKEND=s3 every file the
platform keeps goes to the bucket and comes back through the same permission-checked views, and
what one node writes another reads.

The store is moto's S3 server, a real HTTP server in its own process on a free loopback port; each
test gets a bucket of its own. The bucket is inspected with boto3 directly, never through Django.
"""

import datetime as dt
import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.checkpoints import newest_checkpoints, write_checkpoint
from audit.services import record_event
from collection.accounts.registration import IdentityMethod, verify_identity
from collection.bindings import approve_binding
from collection.bulk.retention import purge_rejected_uploads
from collection.models import BulkImport
from collection.selectors import clear_published_items_cache
from collection.tests.account_support import WANG_ID, pdf_bytes, register, request_company_binding
from collection.tests.factories import ProviderFactory, SubjectFactory, make_uscc, publish_test_catalog
from collection.tests.import_support import penalty, publish_demo_items, upload, xlsx_bytes
from inquiry.models import CreditReport
from inquiry.tests.report_support import add_company_records, bind, publish_report_catalog
from nantong_credit import roles
from nantong_credit import settings as project_settings
from objections.models import Objection
from objections.tests.support import STATEMENT, pdf_file, submit_penalty

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto.server", reason="the S3 tests need moto[server] (requirements-dev.txt)")
pytest.importorskip("storages.backends.s3")

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]
ACCESS_KEY, SECRET_KEY, REGION = "nantong-test", "nantong-test-secret", "us-east-1"
PREFIX = "media"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server as its own process, for the whole session."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def s3_client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


class Bucket:
    """A fresh bucket, read with boto3 alone: what the object store really holds."""

    def __init__(self, endpoint: str):
        self.endpoint, self.name = endpoint, f"nantong-{uuid.uuid4().hex[:12]}"
        self.client = s3_client(endpoint)
        self.client.create_bucket(Bucket=self.name)

    def keys(self, prefix: str = "") -> list[str]:
        found = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix).get("Contents", [])
        return sorted(item["Key"] for item in found)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def is_private(self, key: str) -> bool:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return not [g for g in grants if g["Grantee"].get("URI", "").endswith(("/AllUsers", "/AuthenticatedUsers"))]

    def env(self) -> dict[str, str]:
        """The settings a node is started with to use this bucket."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": self.name,
            "S3_PREFIX": PREFIX,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
        }


def project_s3_storage(monkeypatch, bucket: Bucket, *, prefix: str = PREFIX) -> dict:
    """The STORAGES entry the settings module builds from these settings."""
    for name, value in bucket.env().items():
        monkeypatch.setattr(project_settings, name, value, raising=False)
    return project_settings.s3_storage(bucket=bucket.name, prefix=prefix)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The default storage is this bucket for the test (MEDIA_ROOT stays, and must stay empty)."""
    bucket = Bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": project_s3_storage(monkeypatch, bucket)}
    yield bucket
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()], "a file bypassed storage"


@pytest.fixture(autouse=True)
def _fresh_published_items_cache():
    clear_published_items_cache()
    yield
    clear_published_items_cache()


def streamed(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


# --- Objection evidence ---------------------------------------------------------------------------


def test_objection_evidence_goes_to_the_bucket_and_comes_back_through_the_view(client, bucket, user_with_role):
    scjgj = ProviderFactory(code="scjgj", name="南通市市场监督管理局", short_name="市市场监管局")
    publish_test_catalog(scjgj, ProviderFactory(code="rsj", name="南通市人力资源和社会保障局"))
    company = SubjectFactory(name="南通海运建设工程有限公司", identifier=make_uscc("91320602MA1Q7R2K8"))
    clerk = user_with_role("carol", roles.CENTER_CLERK, real_name="顾晓雯")
    agent = register("wangjg", WANG_ID, "王建国")
    verify_identity(user=agent, actor=clerk, method=IdentityMethod.PAPERS)
    agent.refresh_from_db()
    approve_binding(binding=request_company_binding(agent, company), actor=clerk)
    record = submit_penalty(scjgj, company)

    client.force_login(agent)
    filed = client.post(
        f"{reverse('objections:new')}?record={record.pk}",
        {"records": [record.pk], "statement": STATEMENT, "evidence": [pdf_file()]},
    )
    assert filed.status_code == 302
    evidence = Objection.objects.get().evidence_files.get()

    assert len(bucket.keys(f"{PREFIX}/bindings/")) == 2  # the agent's papers, uploaded with the binding
    assert bucket.keys(f"{PREFIX}/objections/") == [f"{PREFIX}/{evidence.file.name}"]
    assert bucket.read(f"{PREFIX}/{evidence.file.name}") == pdf_bytes("缴款凭证")
    assert bucket.is_private(f"{PREFIX}/{evidence.file.name}")
    download = client.get(reverse("objections:evidence", args=[evidence.objection_id, evidence.pk]))
    assert streamed(download) == pdf_bytes("缴款凭证")
    assert download["Content-Type"] == "application/pdf" and "no-store" in download["Cache-Control"]


# --- Bulk imports: the upload, its error report, the purge -------------------------------------------


@pytest.fixture
def provider_staff(client, user_with_role):
    scjgj = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    publish_demo_items([scjgj, ProviderFactory(code="rsj", name="南通市人力资源和社会保障局")])
    staff = user_with_role("bob", roles.PROVIDER_STAFF)
    scjgj.staff.add(staff)
    client.force_login(staff)
    return client


def import_url(name: str, *args) -> str:
    return reverse(f"collection_office:{name}", args=["scjgj", *args])


def post_import(client, data: bytes, name: str, capture) -> BulkImport:
    with capture(execute=True):  # the worker's task runs in-process after commit (eager_celery)
        response = client.post(import_url("import_new"), {"item": "admin_penalty", "file": upload(data, name)})
    assert response.status_code == 302
    return BulkImport.objects.latest("pk")


def test_a_bulk_file_is_read_from_the_bucket_and_its_error_report_downloaded(
    provider_staff, bucket, eager_celery, django_capture_on_commit_callbacks
):
    good = post_import(
        provider_staff, xlsx_bytes([penalty(1), penalty(2)]), "处罚.xlsx", django_capture_on_commit_callbacks
    )
    assert good.status == BulkImport.Status.SUCCEEDED and good.created_count == 2

    rows = [penalty(3), penalty(4, decision_date="2026-13-01")]
    data = xlsx_bytes(rows)
    rejected = post_import(provider_staff, data, "处罚（有误）.xlsx", django_capture_on_commit_callbacks)
    assert rejected.status == BulkImport.Status.REJECTED

    assert bucket.read(f"{PREFIX}/{rejected.original_file.name}") == data
    report = streamed(provider_staff.get(import_url("import_errors", rejected.pk)))
    assert bucket.read(f"{PREFIX}/{rejected.errors_file.name}") == report
    cells = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    assert len(cells) == 2 and cells[1][0] == 3  # the header, then the one bad row (row 3 of the file)
    assert streamed(provider_staff.get(import_url("import_original", rejected.pk))) == data


def test_the_purge_deletes_the_rejected_upload_from_the_bucket(
    provider_staff, bucket, eager_celery, django_capture_on_commit_callbacks
):
    rejected = post_import(
        provider_staff, xlsx_bytes([penalty(1, decision_date="明天")]), "处罚.xlsx", django_capture_on_commit_callbacks
    )
    original, errors = f"{PREFIX}/{rejected.original_file.name}", f"{PREFIX}/{rejected.errors_file.name}"
    assert bucket.keys() == sorted([original, errors])

    assert purge_rejected_uploads(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert purge_rejected_uploads(now=timezone.now() + dt.timedelta(days=31)) == 1

    assert bucket.keys() == [errors]  # the error report stays with the batch
    assert provider_staff.get(import_url("import_original", rejected.pk)).status_code == 404


# --- Credit reports -----------------------------------------------------------------------------------


def test_a_generated_report_is_stored_in_the_bucket_and_downloaded(
    client, bucket, user_with_role, eager_celery, django_capture_on_commit_callbacks
):
    catalog = publish_report_catalog(
        ProviderFactory(code="scjgj", name="南通市市场监督管理局"),
        ProviderFactory(code="swj", name="国家税务总局南通市税务局"),
    )
    company = SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1W8X7Q3"))
    add_company_records(company, catalog)
    agent = user_with_role("guhj", roles.SUBJECT_USER, real_name="顾海军")
    bind(agent, company)

    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        ordered = client.post(f"{reverse('reports:new')}?subject={company.pk}", {"agree": "on"})
    assert ordered.status_code == 302
    report = CreditReport.objects.get()
    assert report.status == CreditReport.Status.READY

    pdf = streamed(client.get(reverse("reports:download", args=[report.number])))
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == report.sha256
    assert bucket.keys() == [f"{PREFIX}/{report.file.name}"]
    assert bucket.read(f"{PREFIX}/{report.file.name}") == pdf


# --- Two nodes ----------------------------------------------------------------------------------------


def node(bucket: Bucket, code: str, stdin: bytes = b"") -> str:
    """Run `code` in another process started with the bucket's settings (another node)."""
    env = {**os.environ, **bucket.env(), "DJANGO_SETTINGS_MODULE": "nantong_credit.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode().strip()


def test_what_one_node_writes_another_reads(s3_endpoint, monkeypatch):
    bucket = Bucket(s3_endpoint)
    content = os.urandom(3 * 1024 * 1024)  # over the in-memory limit: read back through a file on disk
    name_a = node(
        bucket,
        "import sys; from django.core.files.base import ContentFile; "
        "from django.core.files.storage import default_storage as s; "
        "print(s.save('reports/2026/12/shared.pdf', ContentFile(sys.stdin.buffer.read())))",
        stdin=content,
    )

    node_b = storages.create_storage(project_s3_storage(monkeypatch, bucket))  # this process, its own client
    assert name_a == "reports/2026/12/shared.pdf" and node_b.exists(name_a) and node_b.size(name_a) == len(content)
    with node_b.open(name_a, "rb") as stream:
        assert b"".join(iter(lambda: stream.read(64 * 1024), b"")) == content
    name_b = node_b.save("reports/2026/12/shared.pdf", ContentFile(b"second"))
    assert name_b != name_a  # a second file of that name never replaces the first

    seen_by_a = node(
        bucket,
        "from django.core.files.storage import default_storage as s; import hashlib; "
        f"print(hashlib.sha256(s.open({name_b!r}).read()).hexdigest(), s.exists({name_a!r}))",
    )
    assert seen_by_a == f"{hashlib.sha256(b'second').hexdigest()} True"
    node_b.delete(name_a)
    assert (
        node(bucket, f"from django.core.files.storage import default_storage as s; print(s.exists({name_a!r}))")
        == "False"
    )
    assert bucket.keys() == [f"{PREFIX}/{name_b}"]


# --- Audit checkpoints in a bucket of their own --------------------------------------------------------


def test_audit_checkpoints_may_live_in_their_own_bucket(s3_endpoint, bucket, settings, monkeypatch):
    checkpoints = Bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_checkpoints": project_s3_storage(monkeypatch, checkpoints, prefix="checkpoints"),
    }
    with transaction.atomic():
        record_event(action="test.event", summary="一个事件")

    written = write_checkpoint()

    assert checkpoints.keys() == [f"checkpoints/{written.name}"] and bucket.keys() == []
    assert newest_checkpoints() == [written]
