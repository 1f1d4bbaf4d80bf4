"""A real PostgreSQL streaming standby of the test database's server, for the read-replica tests.

`pg_basebackup -R -X stream` from the primary into a temporary directory, started with pg_ctl
as user postgres on a free port. Everything it needs is checked first, and what is missing is
a skip with the reason (a failure in CI): PostgreSQL's server binaries, root (to act as
postgres), and a primary that accepts replication connections (a `replication` line in its
pg_hba.conf). A replication slot keeps the WAL the standby still needs; it is dropped at the end.
"""

import os
import pwd
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# A standby refuses to start with less of these than its primary has.
PRIMARY_LIMITS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
SLOT_PREFIX = "nt_test_replica_"


def free_port() -> int:
    """A free port from 5433 on, from a random place: several test runs on one machine (each with
    its standby, which a test stops and starts again) rarely reach for the same one."""
    first = 5433 + random.randrange(100)
    for port in range(first, first + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the replica")


def as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=180)


class StreamingReplica:
    def __init__(self, primary: dict):
        self.primary = primary  # Django's settings of the test database
        self.port = 0  # chosen just before the standby first starts
        self.root = Path(tempfile.mkdtemp(prefix="nt-replica-"))
        self.data = self.root / "data"
        self.slot = f"{SLOT_PREFIX}{os.getpid()}"

    # --- life cycle -------------------------------------------------------------------------
    def create(self) -> None:
        shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._drop_slots_of_dead_runs()
        # A slot: the primary keeps the WAL the standby has not received yet (a busy shared
        # primary recycles it within seconds otherwise, and the standby could never start).
        backup = self._base_backup(self.primary["HOST"])
        if backup.returncode != 0 and "pg_hba.conf" in backup.stderr:
            # Debian's own pg_hba.conf allows replication over the local socket only (peer: the
            # standby runs as postgres too).
            backup = self._base_backup(self._primary_query("SHOW unix_socket_directories")[0].split(",")[0])
        if backup.returncode != 0:
            self.delete()
            if "pg_hba.conf" in backup.stderr:
                cannot_run(f"the primary refuses replication connections: {backup.stderr.strip()}")
            raise RuntimeError(f"pg_basebackup failed: {backup.stderr}")
        try:
            self.port = free_port()
            self._write_config()
            self.start()
        except BaseException:
            self.delete()
            raise

    def start(self) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "120", "start"
        )
        self._wait_for_connections()

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def delete(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        # Never leave the slot behind: the primary would keep every WAL segment from now on.
        self._primary_query(
            f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{self.slot}'"
        )

    # --- what tests do with it --------------------------------------------------------------
    def url(self) -> str:
        return f"postgres://{self.primary['USER']}@127.0.0.1:{self.port}/{self.primary['NAME']}"

    def execute(self, sql: str):
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=self.primary["NAME"], connect_timeout=5
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()

    def pause_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_resume()")

    def wait_until_caught_up(self, timeout: float = 30.0) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        target = self._primary_query("SELECT pg_current_wal_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica did not replay up to {target} in {timeout} s")

    # --- helpers ----------------------------------------------------------------------------
    def _base_backup(self, host: str) -> subprocess.CompletedProcess:
        address = ["-U", self.primary["USER"] or "postgres"]
        if host:
            address += ["-h", host.strip()]
        if self.primary["PORT"]:
            address += ["-p", str(self.primary["PORT"])]
        return as_postgres(
            str(PG_BIN / "pg_basebackup"),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-C",
            "-S",
            self.slot,
            "-D",
            str(self.data),
            *address,
            check=False,
        )

    def _primary_connection(self):
        connection = psycopg2.connect(
            host=self.primary["HOST"] or None,
            port=self.primary["PORT"] or None,
            user=self.primary["USER"],
            dbname=self.primary["NAME"],
        )
        connection.autocommit = True
        return connection

    def _primary_query(self, sql: str):
        connection = self._primary_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()
        finally:
            connection.close()

    def _drop_slots_of_dead_runs(self) -> None:
        """Slots a killed test run left on the primary (their name ends in its process id)."""
        connection = self._primary_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT slot_name FROM pg_replication_slots WHERE NOT active AND slot_name LIKE %s",
                    [SLOT_PREFIX + "%"],
                )
                for (slot,) in cursor.fetchall():
                    if not Path(f"/proc/{slot.removeprefix(SLOT_PREFIX)}").exists():
                        cursor.execute("SELECT pg_drop_replication_slot(%s)", [slot])
        finally:
            connection.close()

    def _write_config(self) -> None:
        """The standby's own configuration: the copied one (if any) names the primary's port,
        sockets and certificates. pg_basebackup -R wrote primary_conninfo to postgresql.auto.conf."""
        limits = {name: self._primary_query(f"SHOW {name}")[0] for name in PRIMARY_LIMITS}
        lines = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.root}'",
            "hot_standby = on",
            "shared_buffers = 32MB",
            "fsync = off",
            *(f"{name} = {value}" for name, value in limits.items()),
        ]
        for name, text in (
            ("postgresql.conf", "\n".join(lines)),
            ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust"),
            ("pg_ident.conf", ""),
        ):
            path = self.data / name
            path.write_text(text + "\n", encoding="utf-8")
            shutil.chown(path, "postgres", "postgres")
            path.chmod(0o600)

    def _wait_for_connections(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def cannot_run(reason: str) -> None:
    """A skip on a developer's machine; a failure in CI (`.ci/run` sets CI=true), which must run them."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"read-replica tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def unavailable_reason() -> str | None:
    """Why no standby can be started on this machine, or None."""
    if not (PG_BIN / "pg_basebackup").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "starting a standby as user postgres needs root (or running as postgres)"
    return None


def binaries_major() -> int:
    """15 for `pg_basebackup (PostgreSQL) 15.20`: the standby's server must be the primary's."""
    version = subprocess.run(
        [str(PG_BIN / "pg_basebackup"), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    return int(version.split(".")[0])
