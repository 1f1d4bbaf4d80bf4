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

import shutil
import signal
import subprocess
import sys
import time

from topology import ROOT  # first: it puts .ci/ and the repository on the path
from topology.common import BIN, DB, REDIS_URL, check, say
from topology.phases import phase_node_kill, phase_replica, phase_smoke, phase_throughput, phase_worker_kill
from topology.processes import Topology
from topology.traffic import FIGURES

# isort: split
import production_smoke as smoke  # .ci/

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
