"""ID numbers never reach the access or warning logs in clear (issue 12 item 11): gunicorn runs as
production runs it (from the repository's root, so with gunicorn.conf.py and Django's LOGGING),
requests carry a 公民身份号码 in their path and query string, and the logs are read back."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nantong_credit.log_filters import mask_id_numbers

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "320602198001011235"  # a valid 公民身份号码 (check digit 5)
MASKED = "3206**********1235"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    # Embedded settings (an empty SQLite file): /healthz and unmatched addresses need no tables.
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", LOG_LEVEL="INFO")
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    with open(error_log, "wb") as errors:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "nantong_credit.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--access-logfile",
                str(access_log),
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=errors,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {error_log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_id_numbers_in_paths_and_query_strings_are_masked_in_the_logs(gunicorn, tmp_path):
    base = gunicorn
    assert _get(f"{base}/healthz?id_number={ID_NUMBER}") == 200
    # Django logs a 404 as a warning with the path; the query string goes to the access log.
    assert _get(f"{base}/api/v1/subjects-by-id/{ID_NUMBER}/?q=%20{ID_NUMBER}") == 404
    assert _get(f"{base}/api/nothing/{ID_NUMBER[:-1]}x") == 404
    access = _wait_for_lines(tmp_path / "access.log", 4)
    errors = (tmp_path / "error.log").read_text(encoding="utf-8", errors="replace")
    warnings = [line for line in errors.splitlines() if "Not Found" in line]
    assert len(warnings) == 2, errors
    for text in (access, "\n".join(warnings)):
        assert ID_NUMBER[4:14] not in text
        assert MASKED in text
    assert "3206**********123x" in access
    assert f"/healthz?id_number={MASKED}" in access


def _wait_for_lines(path: Path, count: int) -> str:
    # gunicorn writes the access line after the response; the request has returned by then.
    for _ in range(50):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if len(text.splitlines()) >= count:
            return text
        time.sleep(0.1)
    return text


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"GET /subjects/?q={ID_NUMBER} HTTP/1.1", f"GET /subjects/?q={MASKED} HTTP/1.1"),
        (f"q=%20{ID_NUMBER}", "q=%2032************1235"),
        ("3206021980010112X", "3206021980010112X"),  # 17 characters: not an ID number
        ("32060219800101123X", "3206**********123X"),
        ("page=2&size=20", "page=2&size=20"),
    ],
)
def test_mask_id_numbers(text, masked):
    assert mask_id_numbers(text) == masked


def test_a_celery_workers_handlers_mask_id_numbers_too():
    """A worker replaces the root logger's handlers with Celery's own; they get the console's
    filters when Celery sets them up."""
    import io
    import logging

    from celery.signals import after_setup_task_logger

    from collection.tests.factories import make_ric

    number = make_ric("32060219800101123")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    logger = logging.getLogger("celery.task.test_masking")
    logger.handlers, logger.propagate = [handler], False
    after_setup_task_logger.send(
        sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False
    )
    logger.error("row 3: %s is not a company's code", number)
    line = stream.getvalue()
    assert number not in line and mask_id_numbers(number) in line and line.startswith("- ")
