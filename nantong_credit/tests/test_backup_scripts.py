"""The backup scripts' guards (deploy/BACKUP.md). The full cycle — back up, write more, restore to
the moment before — is deploy/backup-drill, which CI runs; here: the archive command's promise
never to overwrite, and restore's refusal to go anywhere near a running cluster."""

import socket
import subprocess
from pathlib import Path

from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def run(script: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEPLOY / script), *map(str, args)], capture_output=True, text=True, timeout=60)


def backup_root(tmp_path: Path) -> Path:
    root = tmp_path / "backups"
    for part in ("base", "files", "wal"):
        (root / part).mkdir(parents=True)
    return root


def test_archive_wal_copies_once_and_never_overwrites(tmp_path):
    archive = tmp_path / "wal"
    archive.mkdir()
    segment = tmp_path / "000000010000000000000007"
    segment.write_bytes(b"first")

    assert run("archive-wal", segment, segment.name, archive).returncode == 0
    # PostgreSQL may archive a segment again after a crash: the same content is success.
    assert run("archive-wal", segment, segment.name, archive).returncode == 0

    segment.write_bytes(b"another cluster's segment")
    refused = run("archive-wal", segment, segment.name, archive)
    assert refused.returncode == 1
    assert "refusing to overwrite" in refused.stderr
    assert (archive / segment.name).read_bytes() == b"first"
    assert sorted(p.name for p in archive.iterdir()) == [segment.name]  # no temporary file left


def test_restore_refuses_a_directory_in_use(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "PG_VERSION").write_text("15\n")

    result = run("restore", "--root", backup_root(tmp_path), "--data", data, "--port", 1, "--files-to", tmp_path / "f")

    assert result.returncode == 1
    assert "is not empty" in result.stderr
    assert sorted(p.name for p in data.iterdir()) == ["PG_VERSION"]


def test_restore_refuses_a_port_in_use(tmp_path):
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        result = run(
            "restore",
            "--root",
            backup_root(tmp_path),
            "--data",
            tmp_path / "data",
            "--port",
            port,
            "--files-to",
            tmp_path / "f",
        )

    assert result.returncode == 1
    assert f"port {port} is in use" in result.stderr
    assert not (tmp_path / "data").exists()


def test_restore_needs_a_base_backup_from_before_the_time(tmp_path):
    result = run(
        "restore",
        "--root",
        backup_root(tmp_path),
        "--data",
        tmp_path / "data",
        "--port",
        1,
        "--files-to",
        tmp_path / "f",
        "--to",
        "2026-12-07 11:00:00+08",
    )

    assert result.returncode == 1
    assert "no base backup finished at or before 2026-12-07 11:00:00+08" in result.stderr
    assert not (tmp_path / "data").exists()


def test_backup_needs_the_files_it_is_to_keep(tmp_path):
    result = run("backup", "--root", tmp_path / "backups", "--media", tmp_path / "missing", "--checkpoints", tmp_path)

    assert result.returncode == 1
    assert "no media directory" in result.stderr
    assert not (tmp_path / "backups").exists()
