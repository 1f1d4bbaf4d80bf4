"""The production smoke's client: real users over HTTP against gunicorn, the worker doing the work.

Run by `.ci/production-smoke` with the production virtualenv's Python: the standard library only
(plus python-stdnum, a runtime requirement, for the check characters of made-up codes).
Requests carry `X-Forwarded-Proto: https`, as the HTTPS proxy in front of production sets it, so
that the production settings (HTTPS redirect, secure cookies, CSRF origin checks) stay on.

Steps: public pages and API; a subject's agent orders its credit report, waits for the worker to
render it, downloads the PDF and verifies it on the public page; the agent files an objection
with that PDF as evidence; a provider's clerk imports a CSV file and waits for the worker to
import it; the imported record then shows on the public subject API. Exit status 0 when all
passed; otherwise the failing step and what the server answered.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import hmac
import http.client
import io
import json
import re
import ssl
import struct
import sys
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from stdnum.cn import uscc

PASSWORD = "Nantong-demo-2026"  # the demo accounts' (README)
COMPANY = "南通海晟建设工程有限公司"  # the demo subject_user acts for it
PROVIDER = "scjgj"
WORKER_PATIENCE = 120  # seconds a job may take on a busy 2-core CI machine


class SmokeFailed(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Browser:
    """One visitor: its own cookies, redirects followed, the CSRF token sent with every POST."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        # https: through the TLS proxy itself (deploy/topology-test; SSL_CERT_FILE names its CA).
        self.tls = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.tls else 80)
        self.origin = f"https://{parts.netloc}"  # what the browser sees behind the HTTPS proxy
        self.cookies: dict[str, str] = {}
        self.totp_secret = ""  # the authenticator app's key, once this visitor has enrolled

    def get(self, path: str, *, expect: int = 200) -> Response:
        return self._request("GET", path, expect=expect)

    def post(self, path: str, fields: dict | list, *, files: dict | None = None, expect: int = 200) -> Response:
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        pairs.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        if files:
            body, content_type = _multipart(pairs, files)
        else:
            body, content_type = urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        return self._request("POST", path, body=body, content_type=content_type, expect=expect)

    def login(self, username: str, *, totp_secret: str = "") -> None:
        """Log in; enrol a second factor when the account must have one, or answer the second
        step with `totp_secret`'s code when it has one (an earlier visitor's `totp_secret`)."""
        self.get("/accounts/login/")
        page = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        if page.url.startswith("/accounts/login/verify/"):
            if not totp_secret:
                raise SmokeFailed(f"{username} has a second factor, and no key was given")
            # The next 30-second step's code: the step of the enrolment was used up then (a code is
            # never accepted twice), and the device accepts one step of clock drift.
            page = self.post(page.url, {"token": totp(totp_secret, at=time.time() + 30)})
            self.totp_secret = totp_secret
        if "/accounts/login/" in page.url:
            raise SmokeFailed(f"login as {username} failed: {page.url}\n{_excerpt(page.text)}")
        if page.url.startswith("/accounts/two-factor/"):
            self._enrol(page)

    def _enrol(self, page: Response) -> None:
        """A staff account without a device must enrol before it may work (TWO_FACTOR_REQUIRED_ROLES):
        as a person with an authenticator app, read the key off the page and answer with its code."""
        if 'name="token"' not in page.text:
            page = self.post("/accounts/two-factor/", {"action": "start"})
        secret = self.totp_secret = _find(r'<code class="fs-6">([A-Z2-7 ]+)</code>', page.text, "the two-factor key")
        done = self.post("/accounts/two-factor/", {"action": "confirm", "token": totp(secret)})
        if done.url.startswith("/accounts/two-factor/"):
            raise SmokeFailed(f"two-factor enrolment refused\n{_excerpt(done.text)}")

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        expect: int,
        redirects: int = 10,
    ) -> Response:
        headers = {"X-Forwarded-Proto": "https", "Host": f"{self.host}:{self.port}", "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.update(
                {
                    "Content-Type": content_type,
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                }
            )
        connection = (
            http.client.HTTPSConnection(self.host, self.port, timeout=60, context=ssl.create_default_context())
            if self.tls
            else http.client.HTTPConnection(self.host, self.port, timeout=60)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), path)
        finally:
            connection.close()
        self._keep_cookies(response.headers)
        if response.status in (301, 302, 303) and redirects:
            location = urlsplit(urljoin(self.origin + path, response.headers["Location"]))
            target = location.path + (f"?{location.query}" if location.query else "")
            return self._request("GET", target, expect=expect, redirects=redirects - 1)
        if response.status != expect:
            raise SmokeFailed(f"{method} {path}: HTTP {response.status}, expected {expect}\n{_excerpt(response.text)}")
        return response

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def totp(secret: str, *, at: float | None = None) -> str:
    """RFC 6238: the 6-digit code an authenticator app shows for a base32 key (30-second steps)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _multipart(pairs: list, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in pairs:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _excerpt(text: str, size: int = 1500) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:size]


def _find(pattern: str, text: str, what: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        raise SmokeFailed(f"not found on the page: {what}\n{_excerpt(text)}")
    return match.group(1)


def _wait(what: str, probe, timeout: float = WORKER_PATIENCE):
    """Call `probe` until it returns something true; the worker is doing the job meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise SmokeFailed(f"gave up after {timeout:.0f} s waiting for {what} (is the worker running?)")
        time.sleep(1)


def step(title: str) -> None:
    print(f"--- {title}", flush=True)


# --- The steps ------------------------------------------------------------------------------------


def public_pages(base: str) -> str:
    """The company's code, found the way a visitor finds it: by searching its name."""
    visitor = Browser(base)
    if visitor.get("/healthz").text.strip() != "ok":
        raise SmokeFailed("/healthz did not answer ok")
    if "南通信用网" not in visitor.get("/").text:
        raise SmokeFailed("the home page does not name the site")
    found = visitor.get("/subjects/?" + urlencode({"q": COMPANY})).text
    code = _find(r'href="/subjects/([0-9A-Z]{18})/"', found, f"a link to {COMPANY}")
    if COMPANY not in visitor.get(f"/subjects/{code}/").text:
        raise SmokeFailed("the subject page does not show the company")
    if visitor.get(f"/api/v1/subjects/{code}/").json()["name"] != COMPANY:
        raise SmokeFailed("the public subject API does not answer the company")
    visitor.get("/catalog/")
    print(f"    {COMPANY} = {code}")
    return code


def order_and_download_report(base: str, agent: Browser) -> bytes:
    subject_pk = _find(r'href="/reports/new/\?subject=(\d+)"', agent.get("/reports/").text, "the order link")
    agent.get(f"/reports/new/?subject={subject_pk}")
    ordered = agent.post(f"/reports/new/?subject={subject_pk}", {"agree": "on"})
    number = _find(r"信用报告 (NTXY-\d{8}-\d{6})", ordered.text, "the report number")
    print(f"    ordered {number}; waiting for the worker to render it")

    def ready():
        page = agent.get(f"/reports/{number}/").text
        if "生成失败" in page:
            raise SmokeFailed(f"the report failed:\n{_excerpt(page)}")
        return page if "报告已生成" in page else None

    page = _wait(f"report {number}", ready)
    code = _find(r"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", page, "the verification code")
    pdf = agent.get(f"/reports/{number}/download/")
    if not pdf.body.startswith(b"%PDF-") or pdf.headers.get("Content-Type") != "application/pdf":
        raise SmokeFailed(f"the download is not a PDF: {pdf.headers.get('Content-Type')} {pdf.body[:20]!r}")
    print(f"    downloaded {len(pdf.body):,} bytes")

    checker = Browser(base)  # whoever received the report, without an account
    checker.get("/reports/verify/")
    by_code = checker.post("/reports/verify/", {"code": code})
    by_file = checker.post(
        "/reports/verify/", {"code": ""}, files={"file": (f"{number}.pdf", pdf.body, "application/pdf")}
    )
    for result in (by_code, by_file):
        if "核验通过" not in result.text:
            raise SmokeFailed(f"verification failed:\n{_excerpt(result.text)}")
    return pdf.body


def file_objection(agent: Browser, evidence: bytes) -> None:
    form = agent.get("/objections/new/")
    record = _find(r'name="records" value="(\d+)"', form.text, "a record to object to")
    filed = agent.post(
        form.url,
        {"records": record, "statement": "生产环境冒烟测试：该记录的处罚决定日期有误，附证明材料。"},
        files={"evidence": ("证明材料.pdf", evidence, "application/pdf")},
    )
    number = _find(r"异议申请已受理，案件编号(YY[-0-9]+)", filed.text, "the case number")
    print(f"    objection {number} filed against record {record}")


def import_file(base: str, clerk: Browser) -> str:
    template = clerk.get(f"/office/collection/imports/{PROVIDER}/templates/admin_penalty.csv").body.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(template)))  # the fields' labels, "*" marking required ones
    keys = {
        f["label"]: f["key"]
        for item in Browser(base).get("/api/v1/catalog/").json()["items"]
        if item["code"] == "admin_penalty"
        for f in item["fields"]
    }
    code, number = _new_company_code(), f"通市监罚〔2026〕冒烟{uuid.uuid4().hex[:8]}号"
    values = _penalty_row(code, number)
    row = [values.get(keys.get(column.rstrip("*"), ""), "") for column in header]
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    clerk.get(f"/office/collection/imports/{PROVIDER}/new/")
    created = clerk.post(
        f"/office/collection/imports/{PROVIDER}/new/",
        {"item": "admin_penalty"},
        files={"file": ("冒烟测试.csv", ("\ufeff" + out.getvalue()).encode(), "text/csv")},
    )
    pk = _find(rf"/office/collection/imports/{PROVIDER}/(\d+)/", created.url + " " + created.text, "the import's page")
    print(f"    import {pk} uploaded; waiting for the worker to import it")

    def finished():
        progress = clerk.get(f"/office/collection/imports/{PROVIDER}/{pk}/progress/").json()
        return progress if progress.get("status") not in ("queued", "validating", "importing") else None

    progress = _wait(f"import {pk}", finished)
    if progress.get("status") != "succeeded":
        page = clerk.get(f"/office/collection/imports/{PROVIDER}/{pk}/").text
        raise SmokeFailed(f"the import ended {progress}:\n{_excerpt(page)}")
    record_keys = [r["source_key"] for r in Browser(base).get(f"/api/v1/subjects/{code}/").json()["records"]]
    if number not in record_keys:
        raise SmokeFailed(f"the imported record {number} is not on the public API: {record_keys}")
    print(f"    imported {number} for {code}")
    return code


def _new_company_code() -> str:
    body = f"91320602MA{uuid.uuid4().int % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def _penalty_row(code: str, number: str) -> dict[str, str]:
    authority_uscc = "11320600014129171" + uscc.calc_check_digit("11320600014129171")
    today = time.strftime("%Y-%m-%d")
    return {
        "subject_name": "南通冒烟测试贸易有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": code,
        "legal_representative": "王五",
        "penalty_document_number": number,
        "violation_type": "虚假宣传",
        "violation_facts": "当事人在网店商品宣传中使用虚构的销售数据。",
        "penalty_basis": "《中华人民共和国广告法》第五十五条第一款",
        "penalty_types": "警告；罚款",
        "penalty_content": "警告，并处罚款2万元。",
        "fine_amount": "2",
        "decision_date": today,
        "valid_until": "2099-12-31",
        "authority": "南通市市场监督管理局",
        "authority_uscc": authority_uscc,
        "source_unit": "南通市市场监督管理局",
        "source_unit_uscc": authority_uscc,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8123 (gunicorn, no proxy)")
    base = parser.parse_args().base
    try:
        step("public pages, search and API")
        public_pages(base)
        step("a company's agent orders its credit report; the worker renders it; anyone verifies it")
        agent = Browser(base)
        agent.login("subject_user")
        pdf = order_and_download_report(base, agent)
        step("the agent files an objection, with the report as evidence")
        file_objection(agent, pdf)
        step("a provider's clerk imports a CSV file; the worker imports it")
        clerk = Browser(base)
        clerk.login("provider_staff")
        import_file(base, clerk)
    except (SmokeFailed, OSError, ValueError, KeyError) as exc:
        print(f"FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    print("smoke client: all steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
