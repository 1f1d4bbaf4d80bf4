"""Reading one page from a department's server, safely (the contract: `collection.pull`).

The platform must not become a way into the networks it stands in (SSRF): an address is https,
and its host resolves only to public addresses — never private, loopback, link-local (the cloud
metadata address 169.254.169.254 among them), shared, reserved or multicast ones — unless the
operator lists the host in `PULL_ALLOWED_HOSTS`. The connection goes to the address that was
checked (a second DNS answer cannot swap it), redirects are never followed, and the response is
cut off past `PULL_MAX_RESPONSE_BYTES` or `PULL_TIMEOUT_SECONDS`.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

READ_CHUNK = 64 * 1024
USER_AGENT = "nantong-credit-pull/1"


class PullError(Exception):
    """A page that could not be read; `code` for the log, `message` for the department."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its own query string, if the department's address has one


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def allowed_host(host: str) -> bool:
    return host.lower() in {h.strip().lower() for h in settings.PULL_ALLOWED_HOSTS if h.strip()}


def check_url(url: str) -> Target:
    """The parts of an address the platform may call, or `PullError` (no DNS yet)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise PullError("bad_url", _("接口地址无法识别")) from None
    host = (parts.hostname or "").lower()
    if not host:
        raise PullError("bad_url", _("接口地址缺少主机名"))
    if parts.username or parts.password:
        raise PullError("bad_url", _("接口地址中不能包含用户名或密码，请使用令牌"))
    listed = allowed_host(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and listed):
        raise PullError("not_https", _("接口地址必须以 https:// 开头"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def resolve(target: Target) -> list[str]:
    """The addresses to connect to, in the resolver's order, if every one is allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise PullError("dns", _("无法解析接口地址的主机名“%(host)s”") % {"host": target.host}) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise PullError("dns", _("无法解析接口地址的主机名“%(host)s”") % {"host": target.host})
    if not allowed_host(target.host):
        for address in addresses:
            if not is_public(address):
                raise PullError(
                    "forbidden_address",
                    _("接口地址解析到内网、本机或保留地址（%(address)s），平台不访问此类地址") % {"address": address},
                )
    return list(dict.fromkeys(addresses))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def get(url: str, *, params: dict[str, str], headers: dict[str, str]) -> Response:
    """GET `url` with `params` added to its query; the body whole, within the limits."""
    target = check_url(url)
    addresses = resolve(target)
    query = urlencode(params)
    path = target.path + (("&" if "?" in target.path else "?") + query if query else "")
    timeout = settings.PULL_TIMEOUT_SECONDS
    connection = _connection(target, addresses, timeout)
    deadline = time.monotonic() + timeout
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*", **headers})
        response = connection.getresponse()
        body = _read_body(response, deadline)
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    except TimeoutError:
        raise PullError("timeout", _("部门接口在%(n)d秒内未响应") % {"n": timeout}) from None
    except ssl.SSLError as exc:
        raise PullError("tls", _("与部门接口建立安全连接失败（%(reason)s）") % {"reason": exc.reason or exc}) from None
    except (OSError, http.client.HTTPException) as exc:
        raise PullError("connection", _("连接部门接口失败（%(reason)s）") % {"reason": type(exc).__name__}) from None
    finally:
        connection.close()


def _read_body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    limit = settings.PULL_MAX_RESPONSE_BYTES
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PullError("too_large", _("一页数据超过%(n)d字节的上限，请减少每页条数") % {"n": limit})
    chunks, size = [], 0
    while chunk := response.read1(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PullError("too_large", _("一页数据超过%(n)d字节的上限，请减少每页条数") % {"n": limit})
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _connection(target: Target, addresses: list[str], timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.host, target.port, addresses=addresses, timeout=timeout)
    return _PinnedHTTPConnection(target.host, target.port, addresses=addresses, timeout=timeout)


def _open_socket(addresses: list[str], port: int, timeout: float | None) -> socket.socket:
    """A connection to the first checked address that answers (a dual-stack host's IPv6 may not)."""
    failure: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except TimeoutError:
            raise
        except OSError as exc:
            failure = exc
    raise failure or OSError("no address")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked addresses only; the Host header still names the host."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = _open_socket(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with the certificate checked against the host's name (SNI too)."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._addresses = addresses

    def connect(self) -> None:
        sock = _open_socket(self._addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
