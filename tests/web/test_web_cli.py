"""`storyline serve`: starts on loopback, answers, and refuses what it cannot serve with a clear message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from storyline.cli import EXIT_FATAL, EXIT_USAGE, main

SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    return proc, f"http://127.0.0.1:{port}"


def _get_when_up(proc: subprocess.Popen, url: str) -> httpx.Response:
    while proc.poll() is None:
        try:
            return httpx.get(url)
        except httpx.TransportError:
            time.sleep(0.05)  # not bound yet
    raise AssertionError(f"server exited {proc.returncode}: {proc.stderr.read()}")


def test_serve_prints_its_loopback_url_and_answers(web_db):
    proc, base = _serve(web_db)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {web_db} (read-only) at {base}/")
        response = _get_when_up(proc, base + "/api/sources")
        assert response.status_code == 200 and sum(r["articles"] for r in response.json()) == 9
        assert httpx.get(base + "/").status_code == 200
    finally:
        proc.terminate()
        proc.wait()


def test_serve_with_two_worker_processes(web_db):
    proc, base = _serve(web_db, "--workers", "2")
    try:
        assert _get_when_up(proc, base + "/api/articles/xss-1").json()["source"] == "<b>Evil</b> Outlet"
    finally:
        proc.terminate()
        proc.wait()


def test_serve_refuses_a_missing_database(tmp_path, capsys):
    missing = tmp_path / "nothing.db"
    assert main(["serve", "--db", str(missing)]) == EXIT_FATAL
    assert "no such database" in capsys.readouterr().err
    assert not missing.exists()  # serving never creates a database


def test_serve_refuses_bad_port_and_workers(web_db, capsys):
    assert main(["serve", "--db", str(web_db), "--port", "70000"]) == EXIT_USAGE
    assert "--port 70000" in capsys.readouterr().err
    assert main(["serve", "--db", str(web_db), "--workers", "0"]) == EXIT_USAGE
