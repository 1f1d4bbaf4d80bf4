# gunicorn's settings for production, read when gunicorn starts in the repository's root (its default
# config file): the systemd unit deploy/systemd/nantong-credit-web.service and deploy/topology-test
# start it there. Command-line options (the production smoke's --bind, --workers) still win.
import multiprocessing
import os

# The access log masks ID numbers in request paths and query strings (SPEC §2).
logger_class = "nantong_credit.gunicorn_logging.MaskingLogger"

# Where nginx reaches this node (deploy/nginx/nantong-credit.conf's upstream): a private address, never public.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each renders one page at a time, so CPU-bound pages scale with processes; (2 × cores) + 1
# covers the time a worker waits on PostgreSQL. Memory: about 120 MB a worker.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
# A request still running after this is killed (and answered 502 by nginx, which tries no other
# node for a POST). Reports and imports run in Celery; no page should come near it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (systemctl stop/restart) requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps idle connections to the node (upstream keepalive): keep them a little longer than it does.
keepalive = 75
# A worker is replaced after this many requests (jittered, so they are not replaced all at once):
# a slow leak in a library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# gunicorn believes X-Forwarded-* only from these addresses (FORWARDED_ALLOW_IPS, gunicorn's own
# variable, read by gunicorn itself): the nginx hosts. Django's own trust is in the settings
# (SECURE_PROXY_SSL_HEADER, CLIENT_ADDRESS_HEADER): the node must be reachable from nginx only.
# Logs go to stderr: journald (systemd) or the test's log file; the access log with it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# A per-process directory for the worker heartbeat: in tmpfs, never on a slow disk (systemd's PrivateTmp
# gives /tmp; /dev/shm is the classic choice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No control socket in the code directory (ProtectSystem=strict makes it read-only anyway).
control_socket_disable = True


# /metrics with several worker processes (nantong_credit/metrics.py): with PROMETHEUS_MULTIPROC_DIR
# set, each worker writes its counters to files there and a scrape sums them. The directory
# belongs to this one gunicorn (one per node) and starts empty: files of a previous run would
# add its counts to this one's under reused process ids.
def on_starting(server):
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
