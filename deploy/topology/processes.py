"""The machine's processes of the topology test: the fresh database, the streaming replica, two
gunicorn web nodes, nginx with TLS, a Celery worker per queue and beat; started, watched, killed
and stopped by `Topology`."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
from cryptography.fernet import Fernet

from nantong_credit.tests.streaming_replica import StreamingReplica
from topology import ROOT
from topology.common import (
    BIN,
    DB,
    PRIMARY,
    REDIS_URL,
    REPORT_TIME_LIMIT,
    STUCK_GRACE,
    CheckFailed,
    check,
    free_port,
    say,
)
from topology.traffic import Client


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
            "SITE_IDENTIFIER_CODE": "3206000000",
            "ICP_RECORD_NUMBER": "苏ICP备00000000号",
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
