"""Load test (issue 12, "Tests that attack"): 50 clients of mixed traffic through gunicorn, on loopback only.

The script makes a throwaway PostgreSQL cluster of its own (`pg_createcluster`, another port),
migrates it and loads the demo data, then starts gunicorn as production runs it (DEBUG=False,
generated secrets, Redis cache, gthread workers) and runs these phases, each bounded in time:

1. `/healthz` alone (50 clients, 15 s): the floor every other figure is stated against;
2. mixed traffic with the production rate limits (60 s): home, search, subject pages, the public
   subject API, the catalog, report verification (a POST that writes an audit event) and the
   provider records API (a POST that writes a record); 429s are expected and counted apart;
3. the same with the rate limits off (`PUBLIC_*_RATE=off`);
4. with `--restart`: the same again, PostgreSQL restarted 20 s in (`pg_ctlcluster ... restart`).
   During the gap requests must answer 503 (not 500); afterwards nothing fails; every write a
   client was told succeeded is in the database and no other (rows counted before and after).

Figures per phase: requests, requests/s, answers by kind, p50/p95 latency, and their ratios to
`/healthz`; written to bench/out/load_test-<time>.json. The cluster is dropped at the end.

    .venv/bin/python bench/load_test.py --redis-url redis://127.0.0.1:6379/6 [--restart]

Needs root (pg_createcluster) and Redis; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
from cryptography.fernet import Fernet
from stdnum.cn import uscc

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = sys.executable
PG_VERSION = "15"
CLUSTER = "nantong_load"
CLIENTS = 50
SEARCH_TERMS = ["南通", "建设", "有限公司", "海晟", "贸易", "科技", "工程", "崇川", "通州", "食品", "餐饮", "物流"]
RATES = ("PUBLIC_SEARCH_RATE", "PUBLIC_SUBJECT_RATE", "PUBLIC_VERIFY_RATE")
# What a client does, with how often: the public's pages, and a few writes.
MIX = [
    ("home", 10),
    ("search", 20),
    ("subject", 20),
    ("subject_api", 15),
    ("catalog", 5),
    ("verify", 10),
    ("records_api", 5),
]


# --- The throwaway PostgreSQL cluster and the server ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict | None = None, quiet: bool = False) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return done.stdout if quiet else (print(done.stdout.strip()) or done.stdout)


class Cluster:
    """A PostgreSQL cluster of this script's own, on a port of its own: restarting it disturbs nobody."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/nantong_load"

    def create(self) -> None:
        self.drop()
        run(
            "pg_createcluster",
            PG_VERSION,
            CLUSTER,
            "--port",
            str(self.port),
            "--start",
            "-o",
            "max_connections=200",
            "--",
            "--auth-host=trust",
            "--auth-local=trust",
        )
        run(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "-T",
            "template0",
            "nantong_load",
        )

    def restart(self) -> float:
        started = time.monotonic()
        run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "restart", quiet=True)
        return time.monotonic() - started

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)

    def count(self, sql: str) -> int:
        with psycopg2.connect(self.url) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]


def production_env(database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "False",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(OUT / "static"),
        "MEDIA_ROOT": str(OUT / "load-media"),
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict) -> str:
    """Migrate, load the demo data, collect static files (once), and return a provider's API token."""
    if not (OUT / "static" / "staticfiles.json").exists():
        print("collectstatic (compressing: a few minutes, once)")
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    run(PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0", env=env)
    run(PYTHON, "manage.py", "seed_demo", env=env, quiet=True)
    return run(
        PYTHON, "manage.py", "create_api_token", "--provider", "scjgj", "--name", "压力测试", env=env, quiet=True
    ).split()[-1]


class Server:
    """gunicorn as production runs it: gthread workers, keep-alive, the Redis cache."""

    def __init__(self, env: dict, rates: str | None, log: Path):
        self.port = free_port()
        self.env = {**env, **({name: rates for name in RATES} if rates else {})}
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(Path(PYTHON).parent / "gunicorn"),
                    "nantong_credit.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "3",
                    "--threads",
                    "4",
                    "--worker-class",
                    "gthread",
                    "--keep-alive",
                    "30",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if request_once(self.port, "/healthz") == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        sys.exit(f"gunicorn did not answer; see {self.log}")

    def __exit__(self, *exc) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def request_once(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        return connection.getresponse().status
    finally:
        connection.close()


# --- The clients ----------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int | str  # an HTTP status, or the name of the connection error
    seconds: float
    at: float  # since the phase started


@dataclass
class Target:
    port: int
    token: str
    codes: list[str]


class LoadClient(threading.Thread):
    """One visitor with a keep-alive connection, a cookie jar of one CSRF token, and a mix of requests."""

    def __init__(self, number: int, target: Target, kinds: list[str]):
        super().__init__(daemon=True)
        self.number, self.target, self.kinds = number, target, kinds
        self.began = self.until = 0.0  # the phase's window, set when it starts
        self.random = random.Random(number)
        self.samples: list[Sample] = []
        self.connection: http.client.HTTPConnection | None = None
        self.csrf = ""
        self.sent = 0

    def run(self) -> None:
        while time.monotonic() < self.until:
            kind = self.random.choice(self.kinds)
            method, path, body, headers = self.request_for(kind)
            began = time.monotonic()
            status = self.send(method, path, body, headers)
            self.samples.append(Sample(kind, status, time.monotonic() - began, began - self.began))

    def request_for(self, kind: str) -> tuple[str, str, bytes | None, dict]:
        code = self.random.choice(self.target.codes)
        if kind == "home":
            return "GET", "/", None, {}
        if kind == "healthz":
            return "GET", "/healthz", None, {}
        if kind == "search":
            return "GET", "/subjects/?" + urlencode({"q": self.random.choice(SEARCH_TERMS)}), None, {}
        if kind == "subject":
            return "GET", f"/subjects/{code}/", None, {}
        if kind == "subject_api":
            return "GET", f"/api/v1/subjects/{code}/", None, {}
        if kind == "catalog":
            return "GET", "/catalog/", None, {}
        if kind == "verify":
            form = urlencode({"code": "7KQ2-M9XD-4HTB", "csrfmiddlewaretoken": self.csrf}).encode()
            return "POST", "/reports/verify/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        self.sent += 1
        body = json.dumps(record_body(f"LT-{self.number}-{self.sent}-{uuid.uuid4().hex[:6]}"), ensure_ascii=False)
        return (
            "POST",
            "/api/v1/records/",
            body.encode(),
            {"Content-Type": "application/json", "Authorization": f"Token {self.target.token}"},
        )

    def send(self, method: str, path: str, body: bytes | None, extra: dict) -> int | str:
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.target.port}", **extra}
        if method == "POST" and "Authorization" not in extra:
            headers.update({"Origin": f"https://127.0.0.1:{self.target.port}", "Cookie": f"csrftoken={self.csrf}"})
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.target.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
            self.keep_csrf(response)
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            self.connection = None
            return type(exc).__name__

    def keep_csrf(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                self.csrf = header.split(";", 1)[0].split("=", 1)[1]

    def get_csrf(self) -> None:
        self.send("GET", "/reports/verify/", None, {})


def record_body(key: str) -> dict:
    company = "91320602MA" + f"{random.randrange(10**7):07d}"
    company += uscc.calc_check_digit(company)
    authority = "11320600014129171" + uscc.calc_check_digit("11320600014129171")
    data = {
        "subject_name": "南通压力测试贸易有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": company,
        "penalty_document_number": key,
        "violation_type": "虚假宣传",
        "violation_facts": "当事人在网店商品宣传中使用虚构的销售数据。",
        "penalty_basis": "《中华人民共和国广告法》第五十五条第一款",
        "penalty_types": "警告",
        "penalty_content": "警告。",
        "decision_date": time.strftime("%Y-%m-%d"),
        "valid_until": "2099-12-31",
        "authority": "南通市市场监督管理局",
        "authority_uscc": authority,
        "source_unit": "南通市市场监督管理局",
        "source_unit_uscc": authority,
    }
    return {
        "item": "admin_penalty",
        "source_key": key,
        "subject": {"kind": "legal_person", "name": "南通压力测试贸易有限公司", "identifier": company},
        "data": data,
    }


def run_phase(target: Target, kinds: list[str], seconds: float, *, during=None) -> list[Sample]:
    clients = [LoadClient(n, target, kinds) for n in range(CLIENTS)]
    for client in clients:
        client.get_csrf()
    began = time.monotonic()
    for client in clients:
        client.began, client.until = began, began + seconds
        client.start()
    if during is not None:
        during()
    for client in clients:
        client.join(seconds + 60)
    return [sample for client in clients for sample in client.samples]


def weighted(mix: list[tuple[str, int]]) -> list[str]:
    return [kind for kind, weight in mix for _ in range(weight)]


# --- Figures ----------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(name: str, samples: list[Sample], seconds: float, floor: dict | None) -> dict:
    statuses = Counter(sample.status for sample in samples)
    answered = [s.seconds for s in samples if isinstance(s.status, int)]
    kinds = {
        "ok": sum(n for s, n in statuses.items() if isinstance(s, int) and s < 400),
        "429": statuses.get(429, 0),
        "503": statuses.get(503, 0),
        "5xx other": sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500 and s != 503),
        "4xx other": sum(n for s, n in statuses.items() if isinstance(s, int) and 400 <= s < 500 and s != 429),
        "connection errors": sum(n for s, n in statuses.items() if not isinstance(s, int)),
    }
    figures = {
        "phase": name,
        "seconds": seconds,
        "requests": len(samples),
        "per_second": round(len(samples) / seconds, 1),
        "answers": kinds,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "p50_ms": round(statistics.median(answered) * 1000, 1) if answered else None,
        "p95_ms": round(percentile(answered, 0.95) * 1000, 1) if answered else None,
        "by_kind": {
            kind: {
                "requests": len(group),
                "p50_ms": round(percentile(group, 0.5) * 1000, 1),
                "p95_ms": round(percentile(group, 0.95) * 1000, 1),
            }
            for kind in sorted({s.kind for s in samples})
            for group in [[s.seconds for s in samples if s.kind == kind and isinstance(s.status, int)]]
        },
    }
    if floor:
        figures["vs_healthz"] = {
            "p50": round(figures["p50_ms"] / floor["p50_ms"], 1),
            "p95": round(figures["p95_ms"] / floor["p95_ms"], 1),
            "throughput": round(figures["per_second"] / floor["per_second"], 3),
        }
    return figures


def print_summary(figures: dict) -> None:
    answers = ", ".join(f"{k} {v}" for k, v in figures["answers"].items())
    ratio = figures.get("vs_healthz")
    ratio_text = (
        f" | × healthz: p50 {ratio['p50']}, p95 {ratio['p95']}, throughput {ratio['throughput']}" if ratio else ""
    )
    print(
        f"{figures['phase']:<22} {figures['requests']:>7} req {figures['per_second']:>7}/s  p50 {figures['p50_ms']} ms"
        f"  p95 {figures['p95_ms']} ms | {answers}{ratio_text}",
        flush=True,
    )


def writes(cluster: Cluster) -> dict:
    return {
        "records": cluster.count("SELECT count(*) FROM collection_creditrecord"),
        "verify_events": cluster.count("SELECT count(*) FROM audit_auditevent WHERE action = 'report.verify'"),
    }


def acknowledged(samples: list[Sample]) -> dict:
    """Writes the clients were told succeeded: 201 from the records API, 200 from verification."""
    return {
        "records": sum(1 for s in samples if s.kind == "records_api" and s.status == 201),
        "verify_events": sum(1 for s in samples if s.kind == "verify" and s.status == 200),
    }


# --- Main -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", ""), required=not os.environ.get("REDIS_URL")
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each traffic phase")
    parser.add_argument("--restart", action="store_true", help="also the phase with a PostgreSQL restart")
    parser.add_argument("--port", type=int, default=5439, help="port of the throwaway PostgreSQL cluster")
    args = parser.parse_args()
    if not shutil.which("pg_createcluster"):
        sys.exit("needs postgresql-common (pg_createcluster) and root")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = OUT / f"load_test-{stamp}-gunicorn.log"
    cluster = Cluster(args.port)
    results: dict = {"clients": CLIENTS, "phases": [], "writes": []}
    try:
        print(f"PostgreSQL cluster {PG_VERSION}/{CLUSTER} on port {args.port}; migrate, seed_demo")
        cluster.create()
        env = production_env(cluster.url, args.redis_url)
        token = prepare(env)
        codes = [row for row in _subject_codes(cluster)]
        floor = None
        plan = [
            ("healthz", None, ["healthz"]),
            ("mixed, limits on", None, weighted(MIX)),
            ("mixed, limits off", "off", weighted(MIX)),
        ]
        if args.restart:
            plan.append(("mixed, pg restart", "off", weighted(MIX)))
        for name, rates, kinds in plan:
            with Server(env, rates, log) as server:
                target = Target(server.port, token, codes)
                seconds = 15.0 if name == "healthz" else args.seconds
                before = writes(cluster)
                restart: dict = {}
                during = (lambda restart=restart: _restart_later(cluster, restart, 20.0)) if "restart" in name else None
                samples = run_phase(target, kinds, seconds, during=during)
                after = writes(cluster)
            figures = summary(name, samples, seconds, floor)
            if name == "healthz":
                floor = figures
            if restart:
                figures["restart"] = _restart_figures(samples, restart)
            told = acknowledged(samples)
            figures["writes"] = {"told_ok": told, "rows_added": {k: after[k] - before[k] for k in after}}
            results["phases"].append(figures)
            print_summary(figures)
            print(
                f"{'':<22} writes: clients told ok {told}, rows added {figures['writes']['rows_added']}"
                + (f" | restart {figures['restart']}" if restart else ""),
                flush=True,
            )
    finally:
        cluster.drop()
        (OUT / f"load_test-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
        print(f"figures: bench/out/load_test-{stamp}.json; gunicorn's log: {log.relative_to(ROOT)}")
    return 0


def _subject_codes(cluster: Cluster) -> list[str]:
    with psycopg2.connect(cluster.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT code FROM collection_subject WHERE kind <> 'natural_person' AND code <> ''")
        return [row[0] for row in cursor.fetchall()]


def _restart_later(cluster: Cluster, restart: dict, after: float) -> None:
    def go() -> None:
        time.sleep(after)
        restart["began"] = after
        restart["seconds"] = round(cluster.restart(), 2)

    threading.Thread(target=go, daemon=True).start()


def _restart_figures(samples: list[Sample], restart: dict) -> dict:
    """Failures by kind, and when: a window around the restart, and after it (must be none)."""
    failed = [s for s in samples if not (isinstance(s.status, int) and (s.status < 400 or s.status == 429))]
    settled = restart["began"] + restart["seconds"] + 5.0  # connections re-made, queued requests drained
    late = [s for s in failed if s.at > settled]
    return {
        "restart_at_s": restart["began"],
        "restart_took_s": restart["seconds"],
        "failures": dict(Counter(str(s.status) for s in failed)),
        "first_failure_s": round(min((s.at for s in failed), default=0), 2),
        "last_failure_s": round(max((s.at for s in failed), default=0), 2),
        "failures_after_restart_plus_5s": dict(Counter(str(s.status) for s in late)),
    }


if __name__ == "__main__":
    sys.exit(main())
