# Read by gunicorn when started from the repository's root (its default config file).
# The access log masks ID numbers in request paths and query strings (SPEC §2).
logger_class = "nantong_credit.gunicorn_logging.MaskingLogger"


# /metrics with several worker processes (nantong_credit/metrics.py): with PROMETHEUS_MULTIPROC_DIR
# set, each worker writes its counters to files there and a scrape sums them. The directory
# belongs to this one gunicorn (one per node) and starts empty: files of a previous run would
# add its counts to this one's under reused process ids.
def on_starting(server):
    import os
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
