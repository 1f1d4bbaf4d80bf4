"""deploy/: the environment template lists every setting, and the nginx site renders into a
configuration that Debian's nginx accepts (deploy/topology-test runs it under traffic)."""

import importlib.machinery
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SITE = DEPLOY / "nginx" / "nantong-credit.conf"


def _render_module():
    loader = importlib.machinery.SourceFileLoader("deploy_render", str(DEPLOY / "render"))
    spec = importlib.util.spec_from_loader("deploy_render", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _site_values(tmp_path: Path) -> dict[str, str]:
    return {
        "NT_SERVER_NAME": "credit.nantong.gov.cn",
        "NT_PUBLIC_ORIGIN": "https://credit.nantong.gov.cn",
        "NT_LISTEN_HTTP": "127.0.0.1:18080",
        "NT_LISTEN_HTTPS": "127.0.0.1:18443",
        "NT_SSL_CERTIFICATE": str(tmp_path / "cert.pem"),
        "NT_SSL_CERTIFICATE_KEY": str(tmp_path / "key.pem"),
        "NT_WEB_NODES": "10.0.1.11:8000,10.0.1.12:8000",
        "NT_ACCESS_LOG": str(tmp_path / "access.log"),
    }


def test_env_example_names_every_setting_read_from_the_environment():
    source = (Path(settings.BASE_DIR) / "nantong_credit" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:env\.\w+|secret)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(encoding="utf-8"), re.M))
    assert len(names) > 40  # the pattern still finds the settings' reads
    assert names - listed == set()


def test_render_repeats_a_line_per_node_and_refuses_a_missing_or_unused_value(tmp_path):
    render = _render_module()
    values = _site_values(tmp_path)
    site = render.render(SITE.read_text(encoding="utf-8"), values)
    assert "server 10.0.1.11:8000 max_fails=2 fail_timeout=10s;" in site
    assert "server 10.0.1.12:8000 max_fails=2 fail_timeout=10s;" in site
    assert "${NT_" not in site
    with pytest.raises(render.RenderError, match="NT_ACCESS_LOG"):
        render.render(SITE.read_text(encoding="utf-8"), {k: v for k, v in values.items() if k != "NT_ACCESS_LOG"})
    with pytest.raises(render.RenderError, match="NT_TYPO"):
        render.render(SITE.read_text(encoding="utf-8"), {**values, "NT_TYPO": "x"})


@pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None, reason="needs nginx and openssl")
def test_rendered_site_passes_nginx_t(tmp_path):
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (tmp_path / "site.conf").write_text(
        _render_module().render(SITE.read_text(encoding="utf-8"), _site_values(tmp_path))
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; "
        f"fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s; "
        f"include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
