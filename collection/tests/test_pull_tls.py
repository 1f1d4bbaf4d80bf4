"""https to a department's server: the certificate is checked against the host's name even
though the connection goes to the address resolved and checked beforehand (no DNS rebinding)."""

import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from collection.models import CreditRecord
from collection.pull import fetch
from collection.pull.runs import run_pull

from .pull_server import DepartmentServer, json_page
from .pull_support import FIRST, make_source, row

pytestmark = pytest.mark.django_db


def certificate(tmp_path, name: str) -> tuple[str, str]:
    """A self-signed certificate for `name` (a DNS name or an IP address): (cert file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    try:
        alt = x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        alt = x509.DNSName(name)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_department(settings, tmp_path):
    settings.PULL_ALLOWED_HOSTS = ["localhost"]
    settings.PULL_TIMEOUT_SECONDS = 5
    cert, key = certificate(tmp_path, "localhost")
    server = DepartmentServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with server:
        yield server, cert, tmp_path


def url_of(server: DepartmentServer, host: str = "localhost") -> str:
    return f"https://{host}:{server.httpd.server_address[1]}/credit/penalties"


def trusting(cert: str):
    """The platform's default context, trusting the test's certificate as a real CA would be."""
    real = ssl.create_default_context

    def create(*args, **kwargs):
        context = real(*args, **kwargs)
        context.load_verify_locations(cert)
        return context

    return create


def test_an_untrusted_certificate_is_refused(catalog, scjgj, tls_department):
    server, _cert, _tmp = tls_department
    source = make_source(scjgj, url_of(server))
    run = run_pull(source_id=source.pk)
    assert (run.status, run.error_code) == ("failed", "tls") and "安全连接" in run.error


def test_a_trusted_certificate_for_the_host_is_read(catalog, scjgj, tls_department, monkeypatch):
    server, cert, _tmp = tls_department
    monkeypatch.setattr(fetch.ssl, "create_default_context", trusting(cert))
    server.pages[""] = json_page([row(1)], FIRST)
    run = run_pull(source_id=make_source(scjgj, url_of(server)).pk)
    assert (run.status, run.created_count) == ("succeeded", 1) and CreditRecord.objects.count() == 1
    assert server.requests[0]["headers"]["Host"].startswith("localhost")


def test_a_certificate_for_another_name_is_refused(catalog, scjgj, tls_department, monkeypatch, settings):
    server, cert, _tmp = tls_department
    monkeypatch.setattr(fetch.ssl, "create_default_context", trusting(cert))
    settings.PULL_ALLOWED_HOSTS = ["127.0.0.1"]  # the same server, named by an address its certificate lacks
    run = run_pull(source_id=make_source(scjgj, url_of(server, "127.0.0.1")).pk)
    assert (run.status, run.error_code) == ("failed", "tls")
