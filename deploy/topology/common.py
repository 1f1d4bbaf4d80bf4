"""The topology test's settings (from TOPOLOGY_* in the environment) and its small helpers."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

PRIMARY = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB = os.environ.get("TOPOLOGY_DB", "nantong_credit_topology")
REDIS_URL = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/14")
TRAFFIC_SECONDS = int(os.environ.get("TOPOLOGY_TRAFFIC_SECONDS", "30"))
BIN = Path(sys.executable).parent  # gunicorn and celery of the same virtualenv
# Lowered so that the stuck-job sweep re-sends a dead worker's report within the test (65 s instead
# of 7 minutes); beat sends the sweep every 10 s (deploy/topology_celery.py).
REPORT_TIME_LIMIT = 60
STUCK_GRACE = 5
SEARCH_WORDS = ["南通", "建设", "有限公司", "贸易", "科技", "海晟", "工程", "商贸"]


class CheckFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
