"""A department's server for the pull tests: `http.server` in a thread on loopback, answering
each request by the `cursor` it names from what the test put in `pages` (status, headers, body,
an optional delay), and remembering every request it got."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def json_page(records: list[dict], next_cursor=None, has_more: bool = False) -> Answer:
    body = json.dumps({"records": records, "next_cursor": next_cursor, "has_more": has_more}, ensure_ascii=False)
    return Answer(body=body.encode(), headers={"Content-Type": "application/json"})


def csv_page(text: str, *, encoding: str = "utf-8", next_cursor: str = "", has_more: bool = False) -> Answer:
    headers = {"Content-Type": f"text/csv; charset={encoding}", "X-Has-More": "true" if has_more else "false"}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Answer(body=text.encode(encoding), headers=headers)


class DepartmentServer:
    def __init__(self) -> None:
        self.pages: dict[str, Answer] = {}  # by the cursor asked for ("" for the first page)
        self.requests: list[dict] = []
        self.released = threading.Event()  # ends the delays when the test is over
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                query = parse_qs(urlsplit(self.path).query)
                cursor = query.get("cursor", [""])[0]
                server.requests.append({"path": self.path, "query": query, "headers": dict(self.headers)})
                answer = server.pages.get(cursor, Answer(status=404, body=b"no such page"))
                if answer.delay:
                    server.released.wait(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the platform gave up waiting: what the timeout test wants

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/credit/penalties"

    def __enter__(self) -> "DepartmentServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
