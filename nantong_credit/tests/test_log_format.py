"""LOG_FORMAT=json writes one JSON object a line with the request id as a field (issue 13 §6);
the default stays one readable line. Logging is configured once per process, so each case runs
a request in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ID_NUMBER = "320602199001011234"
# A request through the whole middleware stack that logs (the 404 of an unknown API address, whose
# path holds an ID number), with the proxy's request id; the embedded settings need no tables.
SCRIPT = f"""
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "nantong_credit.settings"
django.setup()
from django.test import Client
Client().get("/api/no-such-page/{ID_NUMBER}/", HTTP_X_REQUEST_ID="req-json-1")
"""
SET_BY_TESTS = {"DATABASE_URL", "REDIS_URL", "LOG_FORMAT", "REQUEST_ID_HEADER", "DJANGO_SETTINGS_MODULE"}


def log_of_a_request(**environment: str) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key not in SET_BY_TESTS}
    env.update(environment, REQUEST_ID_HEADER="HTTP_X_REQUEST_ID", ALLOWED_HOSTS="testserver")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return [line for line in result.stderr.splitlines() if "no-such-page" in line]


def test_json_lines_carry_the_request_id_as_a_field_and_masked_id_numbers():
    lines = log_of_a_request(LOG_FORMAT="json")

    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["request_id"] == "req-json-1"
    assert entry["levelname"] == "WARNING" and entry["name"] == "django.request"
    assert entry["message"] == "Not Found: /api/no-such-page/3206**********1234/"
    assert entry["asctime"]


def test_the_default_is_one_readable_line_with_the_request_id():
    lines = log_of_a_request()

    assert len(lines) == 1, lines
    assert " WARNING django.request [req-json-1] Not Found: /api/no-such-page/3206**********1234/" in lines[0]
