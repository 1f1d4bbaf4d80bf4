"""The topology test's phases, in the order `topology_test.main` runs them: smoke, web node killed,
throughput, replica stopped, interactive worker killed."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable
from urllib.parse import quote

import production_smoke as smoke  # .ci/, on the path: see topology/__init__.py

from topology.common import REPORT_TIME_LIMIT, SEARCH_WORDS, STUCK_GRACE, TRAFFIC_SECONDS, CheckFailed, check, say
from topology.processes import Topology
from topology.traffic import FIGURES, Client, Tally, run_traffic


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
