"""The topology test (issue 13): production's shape on one machine, everything through nginx over HTTPS.

Started by `deploy/topology-test` with the project's virtualenv. It brings up
  - the primary: the PostgreSQL at 127.0.0.1:5432 (CI's), a fresh database;
  - a streaming replica of it: `pg_basebackup -R` as user postgres into a temporary directory,
    started with pg_ctl on a port of its own;
  - two web nodes: gunicorn with the repository's gunicorn.conf.py, on two loopback ports;
  - nginx (Debian's) with deploy/nginx/nantong-credit.conf rendered by deploy/render (ports, paths,
    a self-signed certificate made here by openssl: nothing else changed), as a child process with
    its own prefix, pid and temp paths;
  - a Celery worker per queue (two for `interactive`) and beat;
and then checks, printing requests, errors and p50/p95 of each phase:
  1. smoke: every role's main path (search, subject page, login with the second factor, a record
     submitted by API seen on the public page at once, a report ordered and its PDF downloaded from
     both nodes, an objection, an import), the HTTP->HTTPS redirect, /metrics refused, request ids;
  2. web node killed (SIGKILL) during 30 s of mixed traffic: no GET may fail; failed POSTs counted;
  3. throughput of search through nginx with one node and with two, as ratios to /healthz;
  4. replica stopped during traffic: no errors, reads on the primary; started again: reads return to it;
  5. interactive worker killed (SIGKILL, its whole process group: the host lost) while it renders
     a report: beat's stuck-job sweep sends the report again and the other worker renders it.
Every process and the temporary directory are removed on exit, failed or not; the exit status is 0
only when every check passed.

Environment: TOPOLOGY_DB (database dropped and created, default nantong_credit_topology),
TOPOLOGY_REDIS_URL (flushed; default redis://127.0.0.1:6379/14), TOPOLOGY_TRAFFIC_SECONDS (30).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg2
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / ".ci"), str(ROOT)]
import production_smoke as smoke  # noqa: E402  (the production smoke's users, reused over HTTPS)

from nantong_credit.tests.streaming_replica import StreamingReplica  # noqa: E402  (the replica tests' standby)

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


# --- Figures --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Outcomes of one phase's requests, split idempotent (GET) / not (POST)."""

    name: str
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    failed_get: int = 0
    failed_post: int = 0
    posts: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0  # the traffic's window
    ends_at: float = float("inf")  # requests finished by then count for the rate
    in_window: int = 0

    def add(self, method: str, ok: bool, latency: float, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.in_window += time.monotonic() <= self.ends_at
            self.latencies.append(latency)
            if method == "POST":
                self.posts += 1
            if not ok:
                if method == "POST":
                    self.failed_post += 1
                else:
                    self.failed_get += 1
                if len(self.failures) < 10:
                    self.failures.append(what)

    def line(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        rate = f", {self.rate():.1f} req/s" if self.seconds else ""
        return (
            f"{self.name}: {self.requests} requests ({self.posts} POST){rate}, errors: "
            f"{self.failed_get} idempotent, {self.failed_post} non-idempotent; p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms"
        )

    def rate(self) -> float:
        return self.in_window / self.seconds


FIGURES: list[str] = []


# --- HTTPS traffic ------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTPS connection to nginx, reopened after an error (as a browser would)."""

    def __init__(self, port: int):
        self.port = port
        self.context = ssl.create_default_context()
        self.conn: http.client.HTTPSConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
        try:
            self.conn.request(method, path, body=body, headers={"Accept-Language": "zh-CN", **(headers or {})})
            response = self.conn.getresponse()
            return response.status, response.read(), response.headers
        except Exception:
            self.conn.close()
            self.conn = None
            raise


def run_traffic(
    tally: Tally,
    port: int,
    seconds: float,
    *,
    get_threads: int,
    paths: Callable[[int], str],
    post: Callable[[Client, int], bool] | None = None,
    during: Callable[[float], None] | None = None,
) -> None:
    """`get_threads` clients GET `paths(i)` in a loop, one more POSTs with `post` (when given), for
    `seconds`; `during(elapsed)` runs in this thread meanwhile (the fault to inject)."""
    stop = threading.Event()

    def getter(n: int) -> None:
        client, i = Client(port), n * 1000
        while not stop.is_set():
            path, i = paths(i), i + 1
            started = time.monotonic()
            try:
                status, _, _ = client.request("GET", path)
                ok, what = status == 200, f"GET {path}: HTTP {status}"
            except Exception as error:  # a failed request is what is counted here
                ok, what = False, f"GET {path}: {type(error).__name__}: {error}"
            tally.add("GET", ok, time.monotonic() - started, what)

    def poster() -> None:
        client, i = Client(port), 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok, what = post(client, i), f"POST #{i}"
            except Exception as error:
                ok, what = False, f"POST #{i}: {type(error).__name__}: {error}"
            tally.add("POST", ok, time.monotonic() - started, what)
            i += 1
            time.sleep(0.2)  # a department's system submits now and then, not in a tight loop

    threads = [threading.Thread(target=getter, args=(n,), daemon=True) for n in range(get_threads)]
    if post is not None:
        threads.append(threading.Thread(target=poster, daemon=True))
    began = time.monotonic()
    tally.ends_at, tally.seconds = began + seconds, seconds
    for thread in threads:
        thread.start()
    while (elapsed := time.monotonic() - began) < seconds:
        if during is not None:
            during(elapsed)
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=40)


# --- The machine's processes ------------------------------------------------------------------------


class Topology:
    def __init__(self) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="nantong-topology."))
        self.work.chmod(0o711)  # user postgres reaches the replica's directory inside it
        self.procs: dict[str, subprocess.Popen] = {}
        # pg_basebackup -R with a replication slot (dropped at the end), started with pg_ctl as postgres.
        self.standby = StreamingReplica(
            {"HOST": PRIMARY["host"], "PORT": PRIMARY["port"], "USER": PRIMARY["user"], "NAME": DB}
        )
        self.web_ports = {"web-a": free_port(), "web-b": free_port()}
        self.https_port, self.http_port = free_port(), free_port()
        self.base = f"https://127.0.0.1:{self.https_port}"
        self.cert = self.work / "tls" / "cert.pem"
        self.env = self._app_env()
        self.node_env = self.env  # with DATABASE_REPLICA_URLS once the replica runs

    # Settings of every node, worker and beat: production's (deploy/env.example), on this machine.
    def _app_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
        app = {
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(48),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),
            "AUDIT_CHECKPOINT_DIR": str(self.work / "audit-checkpoints"),
            "TWO_FACTOR_REQUIRED_ROLES": "provider_staff,center_clerk,catalog_admin,government_user,auditor,administrator",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.base,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
            "REDIS_URL": REDIS_URL,
            "STATIC_ROOT": str(self.work / "static"),
            # One directory for both nodes and every worker: the shared file store of production.
            "MEDIA_ROOT": str(self.work / "media"),
            # What deploy/nginx/nantong-credit.conf sends, as deploy/env.example says to trust it.
            "CLIENT_ADDRESS_HEADER": "HTTP_X_REAL_IP",
            "CLIENT_ADDRESS_PROXY_COUNT": "1",
            "REQUEST_ID_HEADER": "HTTP_X_REQUEST_ID",
            # All the test's traffic comes from one address; production keeps its limits.
            "PUBLIC_SEARCH_RATE": "off",
            "PUBLIC_SUBJECT_RATE": "off",
            "PUBLIC_VERIFY_RATE": "off",
            "CREDIT_REPORT_TIME_LIMIT": str(REPORT_TIME_LIMIT),
            "STUCK_JOB_GRACE_SECONDS": str(STUCK_GRACE),
            # A worker replaced after max_requests pays Django's start-up (seconds on this busy machine)
            # in the middle of a throughput figure: not within the test's few thousand requests.
            "GUNICORN_MAX_REQUESTS": "100000",
            "PYTHONUNBUFFERED": "1",
        }
        return {**env, **app}

    def with_replica(self) -> dict[str, str]:
        return {
            **self.env,
            "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{self.standby.port}/{DB}",
            "REPLICA_MAX_LAG_SECONDS": "5",
            "READ_YOUR_WRITES_SECONDS": "10",
        }

    def manage(self, *args: str, env: dict | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env or self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, name: str, argv: list[str], *, env: dict | None = None) -> subprocess.Popen:
        """A child in a session of its own, so that its whole process group can be killed."""
        log = open(self.work / f"{name}.log", "ab")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # PostgreSQL -----------------------------------------------------------------------------------

    def fresh_database(self) -> None:
        pg = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
        subprocess.run(["dropdb", "--if-exists", "--force", *pg, DB], check=True)
        subprocess.run(["createdb", *pg, "-E", "UTF8", "-T", "template0", DB], check=True)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def start_replica(self) -> None:
        self.standby.start()
        with self.replica() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery()")
            check(cur.fetchone()[0], "the replica is not in recovery: not a standby")

    def stop_replica(self) -> None:
        self.standby.stop()  # pg_ctl stop -m fast: connections cut, as when its host goes down

    def replica(self):
        return psycopg2.connect(host="127.0.0.1", port=self.standby.port, user="postgres", dbname=DB, connect_timeout=3)

    def primary(self):
        return psycopg2.connect(dbname=DB, connect_timeout=5, **PRIMARY)

    def replica_reads(self) -> int:
        """Scans of the app's tables on the replica: public reads, and nothing else (the router's
        health check reads no table). Backends report their counts at most once a second and, when
        they go idle, within 10 s; callers wait for them (`wait_replica_reads`)."""
        with self.replica() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
            )
            return int(cur.fetchone()[0])

    def primary_reads(self) -> int:
        """The same count on the primary: the test's database there is the test's alone."""
        with self.primary() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
            )
            return int(cur.fetchone()[0])

    def wait_replica_reads(self, before: int, at_least: int, seconds: float = 12) -> int:
        deadline = time.monotonic() + seconds
        while (seen := self.replica_reads() - before) < at_least and time.monotonic() < deadline:
            time.sleep(0.5)
        return seen

    def replica_app_connections(self) -> int:
        with self.replica() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
                "AND pid <> pg_backend_pid()",
                [DB],
            )
            return cur.fetchone()[0]

    # Web nodes, nginx, Celery -------------------------------------------------------------------------

    def start_web(self, name: str) -> None:
        env = {
            **self.node_env,
            "GUNICORN_BIND": f"127.0.0.1:{self.web_ports[name]}",
            "GUNICORN_ACCESS_LOG": str(self.work / f"{name}-access.log"),
        }
        self.start(name, [str(BIN / "gunicorn"), "nantong_credit.wsgi"], env=env)

    def wait_web(self, name: str) -> None:
        port = self.web_ports[name]
        for _ in range(120):
            check(self.procs[name].poll() is None, f"{name} exited:\n{self.log(name)[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/readyz", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise CheckFailed(f"{name} never became ready:\n{self.log(name)[-3000:]}")

    def start_nginx(self) -> None:
        tls = self.cert.parent
        tls.mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(tls / "key.pem"),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        os.environ["SSL_CERT_FILE"] = str(self.cert)  # every client here trusts that certificate alone
        prefix = self.work / "nginx"
        prefix.mkdir()
        values = {
            "NT_SERVER_NAME": "127.0.0.1 localhost",
            "NT_PUBLIC_ORIGIN": self.base,
            "NT_LISTEN_HTTP": f"127.0.0.1:{self.http_port}",
            "NT_LISTEN_HTTPS": f"127.0.0.1:{self.https_port}",
            "NT_SSL_CERTIFICATE": str(self.cert),
            "NT_SSL_CERTIFICATE_KEY": str(tls / "key.pem"),
            "NT_WEB_NODES": ",".join(f"127.0.0.1:{port}" for port in self.web_ports.values()),
            "NT_ACCESS_LOG": str(prefix / "access.log"),
        }
        site = subprocess.run(
            [
                sys.executable,
                str(ROOT / "deploy" / "render"),
                str(ROOT / "deploy/nginx/nantong-credit.conf"),
                *(f"{k}={v}" for k, v in values.items()),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (prefix / "site.conf").write_text(site)
        temp = prefix / "temp"
        temp.mkdir()
        shutil.chown(temp, "nobody")  # nginx's workers (user nobody under root) write request bodies there
        # The main configuration is the test's own (Debian's /etc/nginx/nginx.conf has the system's
        # pid and log paths); the site inside it is the operator's file.
        (prefix / "nginx.conf").write_text(f"""
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/site.conf;
}}
""")
        self.start("nginx", ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
        for _ in range(50):
            try:
                status, _, _ = Client(self.https_port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CheckFailed(f"nginx did not answer /healthz:\n{(prefix / 'error.log').read_text(errors='replace')}")

    def start_worker(self, name: str, queue: str) -> None:
        self.start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "nantong_credit",
                "worker",
                "--queues",
                queue,
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--hostname",
                f"{name}@topology",
            ],
            env=self.node_env,
        )

    def wait_workers(self, names: list[str]) -> None:
        for _ in range(180):
            for name in names:
                check(self.procs[name].poll() is None, f"{name} exited:\n{self.log(name)[-3000:]}")
            if all(" ready." in self.log(name) for name in names):
                return
            time.sleep(1)
        raise CheckFailed("a Celery worker did not become ready")

    def celery_control(self, *args: str) -> None:
        done = subprocess.run(
            [str(BIN / "celery"), "-A", "nantong_credit", "control", *args],
            cwd=ROOT,
            env=self.node_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        check(
            done.returncode == 0 and "OK" in done.stdout + done.stderr,
            f"celery control {' '.join(args)}: {done.stdout} {done.stderr}",
        )

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs[name]
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        for proc in list(self.procs.values()):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # and whatever the group left behind
            except ProcessLookupError:
                pass
        self.procs.clear()
        try:
            self.standby.delete()  # stopped, its directory removed, its slot dropped on the primary
        except Exception as error:  # cleanup goes on
            say(f"(removing the replica: {error})")


# --- Phases -----------------------------------------------------------------------------------------


def web_access(top: Topology, name: str) -> str:
    path = top.work / f"{name}-access.log"
    return path.read_text(errors="replace") if path.exists() else ""


def api_record(code: str, number: str) -> dict:
    row = smoke._penalty_row(code, number)
    row["penalty_types"] = ["警告", "罚款"]
    return {
        "item": "admin_penalty",
        "source_key": number,
        "subject": {"kind": "legal_person", "name": row["subject_name"], "identifier": code},
        "data": row,
    }


def submit_record(
    client: Client, key: str, code: str, number: str, cookies: str = ""
) -> tuple[int, bytes, http.client.HTTPMessage]:
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    if cookies:
        headers["Cookie"] = cookies
    return client.request(
        "POST", "/api/v1/records/", json.dumps(api_record(code, number), ensure_ascii=False).encode(), headers
    )


def phase_smoke(top: Topology, key: str) -> list[str]:
    say("\n=== 1. Smoke through nginx over HTTPS: every role's main path")
    started = time.monotonic()
    smoke.public_pages(top.base)
    search = Client(top.https_port).request("GET", "/subjects/?" + "q=" + quote("南通"))[1].decode()
    codes = sorted(set(re.findall(r'href="/subjects/([0-9A-Z]{18})/"', search)))
    check(codes, "a search for 南通 found no subject")

    # nginx's own duties: the redirect, /metrics, the request id, compression, the body limit
    plain = http.client.HTTPConnection("127.0.0.1", top.http_port, timeout=10)
    plain.request("GET", "/subjects/?q=1")
    answer = plain.getresponse()
    check(
        answer.status == 301 and answer.headers["Location"] == f"{top.base}/subjects/?q=1",
        f"http is not redirected to https: {answer.status} {answer.headers['Location']}",
    )
    status, _, _ = Client(top.https_port).request("GET", "/metrics")
    check(status == 403, f"/metrics through nginx answered {status}, not 403")
    # The app has no gzip middleware: a compressed page was compressed by nginx.
    status, _, headers = Client(top.https_port).request(
        "GET", "/subjects/?q=" + quote("南通"), headers={"Accept-Encoding": "gzip"}
    )
    check(
        status == 200 and headers["Content-Encoding"] == "gzip", f"search page: {status} {headers['Content-Encoding']}"
    )
    # Static files: WhiteNoise on the nodes, hashed names cached for good (deploy/README.md, "Static files").
    home = Client(top.https_port).request("GET", "/")[1].decode()
    css = smoke._find(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home, "a hashed stylesheet")
    status, _, headers = Client(top.https_port).request("GET", css)
    check(
        status == 200 and "immutable" in (headers["Cache-Control"] or ""), f"{css}: {status} {headers['Cache-Control']}"
    )
    status, _, headers = Client(top.https_port).request("GET", "/", headers={"X-Request-ID": "chosen-by-client"})
    rid = headers["X-Request-ID"] or ""
    check(re.fullmatch(r"[0-9a-f]{32}", rid) is not None, f"the app did not take nginx's request id: {rid!r}")
    check(
        f"rid={rid}" in (top.work / "nginx" / "access.log").read_text(), "nginx's access log lacks the app's request id"
    )
    say(
        f"    http->https redirect, /metrics 403, gzip, {css} immutable, request id {rid} in nginx's log and the app's answer"
    )

    say("--- login with the second factor: enrol (a provider's clerk), then log in with the code")
    first = smoke.Browser(top.base)
    first.login("provider_staff")
    check(bool(first.totp_secret), "provider_staff was not asked to enrol a second factor")
    clerk = smoke.Browser(top.base)
    clerk.login("provider_staff", totp_secret=first.totp_secret)
    check("/accounts/login/" not in clerk.get("/office/").url, "the second login did not reach the office")
    say("    provider_staff logged in with password and TOTP code")

    say("--- a record submitted by API is on the public page at once")
    new_code, number = smoke._new_company_code(), f"通市监罚〔2026〕拓扑{uuid.uuid4().hex[:8]}号"
    api = Client(top.https_port)
    status, body, headers = submit_record(api, key, new_code, number)
    check(status == 201, f"API submission: HTTP {status} {body[:500]!r}")
    # The same system reads it back at once: the write pinned it to the primary for a few seconds
    # (nantong_credit.read_your_writes.PIN_COOKIE, signed), and any node honours that.
    pin = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
    check("nt_primary=" in pin, f"the API write did not pin its client to the primary: {pin!r}")
    page = api.request("GET", f"/subjects/{new_code}/", headers={"Cookie": pin} if pin else {})
    check(
        page[0] == 200 and number in page[1].decode(), f"the new record is not on its subject page at once: {page[0]}"
    )
    visitor = smoke.Browser(top.base)
    smoke._wait("the record on a new visitor's page", lambda: number in visitor.get(f"/subjects/{new_code}/").text, 10)
    say(f"    {number} for {new_code}: on the page at once, and for a new visitor")

    say("--- a company's agent orders a report; the PDF downloads from both nodes (shared files)")
    agent = smoke.Browser(top.base)
    agent.login("subject_user")
    pdf = smoke.order_and_download_report(top.base, agent)
    number_re = re.search(r"/reports/(NTXY-\d{8}-\d{6})/download/", web_access(top, "web-a") + web_access(top, "web-b"))
    check(number_re is not None, "no node logged the report download")
    for _ in range(3):  # round robin: the next downloads go to the other node too
        again = agent.get(f"/reports/{number_re.group(1)}/download/")
        check(again.body == pdf, "a node served another PDF")
    served = {
        name
        for name in top.web_ports
        if re.search(rf"GET /reports/{number_re.group(1)}/download/ HTTP/1\.[01]\" 200 ", web_access(top, name))
    }
    check(served == set(top.web_ports), f"the PDF was served by {served or 'no node'}, not by both nodes")
    say(f"    {number_re.group(1)}: served by {', '.join(sorted(served))}")

    say("--- the agent files an objection; the clerk imports a file")
    smoke.file_objection(agent, pdf)
    smoke.import_file(top.base, clerk)
    FIGURES.append(f"smoke: all roles' paths passed in {time.monotonic() - started:.0f} s")
    return codes


def phase_node_kill(top: Topology, key: str, codes: list[str]) -> None:
    say(f"\n=== 2. Web node web-b killed (SIGKILL) during {TRAFFIC_SECONDS} s of mixed traffic")
    tally = Tally("node kill")
    killed_at = TRAFFIC_SECONDS / 3

    def paths(i: int) -> str:
        return (
            f"/subjects/?q={quote(SEARCH_WORDS[i % len(SEARCH_WORDS)])}"
            if i % 2
            else f"/subjects/{codes[i % len(codes)]}/"
        )

    def post(client: Client, i: int) -> bool:
        status, _, _ = submit_record(
            client, key, smoke._new_company_code(), f"通市监罚〔2026〕杀节点{uuid.uuid4().hex[:8]}号"
        )
        return status == 201

    def during(elapsed: float) -> None:
        if elapsed >= killed_at and "web-b" in top.procs:
            say(f"    t={elapsed:.1f} s: SIGKILL to web-b's gunicorn master and workers")
            top.kill("web-b", signal.SIGKILL)

    run_traffic(tally, top.https_port, TRAFFIC_SECONDS, get_threads=3, paths=paths, post=post, during=during)
    say("    " + tally.line())
    FIGURES.append(tally.line())
    FIGURES.append(f"node kill: {tally.failed_post} of {tally.posts} non-idempotent requests (POST) failed")
    check(tally.failed_get == 0, f"{tally.failed_get} idempotent requests failed: {tally.failures}")


def measure(top: Topology, name: str, path: Callable[[int], str], seconds: float = 8) -> Tally:
    tally = Tally(name)
    run_traffic(tally, top.https_port, seconds, get_threads=8, paths=path)  # enough to keep every worker busy
    check(tally.failed_get == 0, f"{name}: {tally.failed_get} failed: {tally.failures}")
    return tally


def phase_throughput(top: Topology) -> None:
    say("\n=== 3. Throughput through nginx: search with one node and with two, against /healthz")

    def search(i: int) -> str:
        return f"/subjects/?q={quote(SEARCH_WORDS[i % len(SEARCH_WORDS)])}"

    rates, ratios = {}, {}
    for nodes in (1, 2):
        if nodes == 2:
            top.start_web("web-b")
            top.wait_web("web-b")
            time.sleep(11)  # past fail_timeout: nginx sends to web-b again
        measure(top, "warm-up", search, seconds=3)  # connections, caches, the first queries' plans
        health = measure(top, f"healthz, {nodes} node(s)", lambda i: "/healthz")
        found = measure(top, f"search, {nodes} node(s)", search)
        rates[nodes] = found.rate()
        ratios[nodes] = rates[nodes] / health.rate()
        for t in (health, found):
            say("    " + t.line())
            FIGURES.append(t.line())
        FIGURES.append(
            f"search throughput with {nodes} node(s): {rates[nodes]:.1f} req/s = {ratios[nodes]:.3f} x /healthz's"
        )
    FIGURES.append(
        f"search, two nodes against one: {rates[2] / rates[1]:.2f}x the requests per second. Each node runs "
        f"gunicorn.conf.py's 2 x cores + 1 workers; this machine has {os.cpu_count()} CPU cores, shared by both "
        "nodes, nginx, PostgreSQL, the replica and this client: two nodes on one 2-core machine cannot "
        "double throughput (a second node adds processes, not CPU); on separate hosts each brings its own cores"
    )


def phase_replica(top: Topology, codes: list[str]) -> None:
    say("\n=== 4. Replica stopped during traffic, then started again")
    before = top.replica_reads()
    tally = Tally("replica reads")
    run_traffic(tally, top.https_port, 5, get_threads=3, paths=lambda i: f"/subjects/{codes[i % len(codes)]}/")
    on_replica = top.wait_replica_reads(before, tally.requests)
    check(
        on_replica >= tally.requests,
        f"public reads did not go to the replica: {on_replica} table scans there for {tally.requests} subject pages",
    )
    FIGURES.append(f"replica up: {tally.requests} subject pages, {on_replica} table scans on the replica")

    tally = Tally("replica stopped")
    stopped = threading.Event()

    def during(elapsed: float) -> None:
        if elapsed >= 4 and not stopped.is_set():
            stopped.set()
            say(f"    t={elapsed:.1f} s: stopping the replica (pg_ctl stop -m fast)")
            top.stop_replica()

    def paths(i: int) -> str:
        return (
            f"/subjects/?q={quote(SEARCH_WORDS[i % len(SEARCH_WORDS)])}"
            if i % 2
            else f"/subjects/{codes[i % len(codes)]}/"
        )

    on_primary = top.primary_reads()
    run_traffic(tally, top.https_port, 20, get_threads=3, paths=paths, during=during)
    say("    " + tally.line())
    FIGURES.append(tally.line())
    check(tally.failed_get == 0, f"{tally.failed_get} requests failed while the replica was down: {tally.failures}")
    time.sleep(11)  # every backend has reported its counts (at the latest 10 s after going idle)
    on_primary = top.primary_reads() - on_primary
    check(
        on_primary >= tally.requests * 3 // 4,
        f"reads did not fall back to the primary: {on_primary} table scans there for {tally.requests} pages",
    )
    FIGURES.append(f"replica stopped: reads fell back to the primary ({on_primary} table scans there)")

    top.start_replica()
    say("    replica started again; waiting for public reads to return to it")
    restarted = time.monotonic()
    while time.monotonic() - restarted < 90:
        before = top.replica_reads()
        client = Client(top.https_port)
        for i in range(40):
            client.request("GET", f"/subjects/{codes[i % len(codes)]}/")
        seen = top.wait_replica_reads(before, 40)
        if seen >= 40:
            FIGURES.append(
                f"replica back: reads returned to it within {time.monotonic() - restarted:.0f} s "
                f"({seen} table scans there for 40 subject pages; "
                f"{top.replica_app_connections()} app connections in its pg_stat_activity)"
            )
            return
    raise CheckFailed("reads did not return to the replica within 90 s of its start")


def phase_worker_kill(top: Topology) -> None:
    say("\n=== 5. An interactive worker killed during a report; the report completes on the other")
    agent = smoke.Browser(top.base)
    agent.login("subject_user")
    top.celery_control("cancel_consumer", "interactive", "--destination", "interactive-2@topology")
    with top.primary() as conn:
        conn.autocommit = True
        for attempt in range(3):
            subject_pk = smoke._find(
                r'href="/reports/new/\?subject=(\d+)"', agent.get("/reports/").text, "the order link"
            )
            ordered = agent.post(f"/reports/new/?subject={subject_pk}", {"agree": "on"})
            number = smoke._find(r"信用报告 (NTXY-\d{8}-\d{6})", ordered.text, "the report number")
            status = None
            deadline = time.monotonic() + 60
            with conn.cursor() as cur:
                while time.monotonic() < deadline:
                    cur.execute("SELECT status FROM inquiry_creditreport WHERE number = %s", [number])
                    status = cur.fetchone()[0]
                    if status != "queued":
                        break
                    time.sleep(0.02)
            if status == "generating":
                top.kill("interactive-1", signal.SIGKILL)  # the whole group: main process and pool child
                killed = time.monotonic()
                say(
                    f"    {number} generating on interactive-1: SIGKILL to its main process and pool (attempt {attempt + 1})"
                )
                break
            say(f"    {number} was {status} before the kill could land; ordering another")
        else:
            raise CheckFailed("no report was caught while generating in three tries")
    top.celery_control("add_consumer", "interactive", "--destination", "interactive-2@topology")

    def ready():
        page = agent.get(f"/reports/{number}/").text
        check("生成失败" not in page, f"report {number} failed")
        return "报告已生成" in page

    smoke._wait(f"report {number} after its worker died", ready, timeout=REPORT_TIME_LIMIT + STUCK_GRACE + 120)
    took = time.monotonic() - killed
    pdf = agent.get(f"/reports/{number}/download/")
    check(pdf.body.startswith(b"%PDF-"), "the recovered report is not a PDF")
    with top.primary() as conn, conn.cursor() as cur:
        cur.execute("SELECT restarts, task_id FROM inquiry_creditreport WHERE number = %s", [number])
        restarts, task_id = cur.fetchone()
    check(restarts == 1, f"the report was restarted {restarts} times, not once")
    # The message that rendered it (its task id is on the report) is the sweep's new one, taken by interactive-2.
    check(
        f"generate_credit_report[{task_id}] received" in top.log("interactive-2"),
        f"interactive-2 did not take the re-sent report (task {task_id})",
    )
    check("stuck inquiry.CreditReport jobs" in top.log("sweeps"), "the sweeps worker logged no stuck report")
    FIGURES.append(
        f"worker kill: {number} re-sent by beat's stuck-job sweep and rendered by interactive-2 "
        f"{took:.0f} s after the kill (threshold {REPORT_TIME_LIMIT}+{STUCK_GRACE} s)"
    )


# --- Main ----------------------------------------------------------------------------------------------


def bring_up(top: Topology) -> str:
    say(f"--- fresh database {DB}, Redis {REDIS_URL}; migrate, seed_demo, collectstatic")
    top.fresh_database()
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=top.env
    )
    top.manage("migrate", "--noinput", "--verbosity", "0")
    top.manage("seed_demo")
    key = top.manage("create_api_token", "--provider", smoke.PROVIDER, "--name", "拓扑测试").strip()
    check(collect.wait() == 0, "collectstatic failed")

    say("--- streaming replica (pg_basebackup -R)")
    top.standby.create()  # chooses its port
    say(f"    on 127.0.0.1:{top.standby.port}")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import django; django.setup(); print(len(settings.DATABASES))",
        ],
        cwd=ROOT,
        env={**top.with_replica(), "DJANGO_SETTINGS_MODULE": "nantong_credit.settings"},
        capture_output=True,
        text=True,
    )
    check(probe.returncode == 0, f"the settings with DATABASE_REPLICA_URLS do not load:\n{probe.stderr[-3000:]}")
    check(probe.stdout.strip() not in ("", "1"), "DATABASE_REPLICA_URLS made no replica database: no router to test")
    top.node_env = top.with_replica()

    say(
        f"--- web nodes on {list(top.web_ports.values())}, workers, beat, nginx on https {top.https_port} / http {top.http_port}"
    )
    for name in top.web_ports:
        top.start_web(name)
    workers = {"interactive-1": "interactive", "interactive-2": "interactive", "bulk": "bulk", "sweeps": "sweeps"}
    for name, queue in workers.items():
        top.start_worker(name, queue)
    top.start(
        "beat",
        [
            str(BIN / "celery"),
            "-A",
            "topology_celery",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(top.work / "beat-schedule"),
        ],
        env={**top.node_env, "PYTHONPATH": f"{ROOT / 'deploy'}:{ROOT}"},
    )
    for name in top.web_ports:
        top.wait_web(name)
    top.start_nginx()
    top.wait_workers(list(workers))
    return key


def main() -> int:
    top = Topology()
    status = 1

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    began = time.monotonic()
    try:
        key = bring_up(top)
        codes = phase_smoke(top, key)
        phase_node_kill(top, key, codes)
        phase_throughput(top)
        phase_replica(top, codes)
        phase_worker_kill(top)
        for name, proc in top.procs.items():
            check(proc.poll() is None, f"{name} died during the test:\n{top.log(name)[-3000:]}")
        status = 0
    except (Exception, KeyboardInterrupt) as error:  # any failure: say it, show the logs, clean up
        say(f"\nFAILED: {type(error).__name__}: {error}")
        for log in sorted(top.work.glob("*.log")) + [top.work / "nginx" / "error.log", top.standby.root / "log"]:
            if log.exists():
                say(
                    f"\n===== {log.name} (last 60 lines) =====\n"
                    + "\n".join(log.read_text(errors="replace").splitlines()[-60:])
                )
    finally:
        top.stop_all()
        shutil.rmtree(top.work, ignore_errors=True)
        if status == 0:
            subprocess.run(["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", DB], check=False)
    say("\n=== Figures")
    for line in FIGURES:
        say("  " + line)
    say(f"\ntopology test {'passed' if status == 0 else 'FAILED'} in {time.monotonic() - began:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
