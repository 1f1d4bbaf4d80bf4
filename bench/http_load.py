"""Driving a gunicorn over real HTTP for `bench_import.py --child http`: a free port, the local
Redis if one answers, waiting for the server, and a bounded load over keep-alive connections.
"""

import sys
import time


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reachable_redis() -> str:
    """A Redis on this machine if one answers (as in production), else "" (local memory)."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/14"
    except OSError:
        return ""


def wait_for(port: int, headers: dict, seconds: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers=headers)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not come up")


def load(port: int, requests: list[tuple], clients: int, seconds: float = 600) -> dict:
    """Send `requests` over `clients` keep-alive connections, as fast as they are answered;
    bounded in count and in time (it stops by itself after `seconds`)."""
    import http.client
    import threading

    pending = iter(requests)
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                request = next(pending, None)
            if request is None:
                break
            method, path, body, headers = request
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    done = sum(statuses.values())
    return {
        "requests": done,
        "seconds": round(wall, 2),
        "per_s": round(done / wall),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
