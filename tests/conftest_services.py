"""Pytest plugin: the real services end-to-end tests run on.

PostgreSQL (127.0.0.1:5432, a throw-away database per use), Redis (127.0.0.1:6379, a queue name
of its own per test), and helpers that start `dukungan serve` and `dukungan worker` as real
processes. A missing service skips a local run and fails under CI (`CI` set).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.conftest_s3 import skip_or_fail

if TYPE_CHECKING:
    from storage.db import Database

PG_ADMIN = os.environ.get("DUKUNGAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DUKUNGAN_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def scratch_database(admin_url: str, prefix: str = "dukungan_t") -> Iterator[str]:
    """A new, empty PostgreSQL database beside `admin_url`'s; dropped afterwards (tests, benches)."""
    import psycopg

    conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A scratch database on the test server; unreachable, it skips (fails under CI)."""
    import psycopg

    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL unreachable at {PG_ADMIN}: {exc}")
    with scratch_database(PG_ADMIN) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database migrated to head (the real schema, triggers included), on each backend."""
    from storage.db import Database
    from storage.migrate import upgrade

    with _fresh_url(request.param, tmp_path) as url:
        upgrade(url)
        database = Database(url)
        try:
            yield database
        finally:
            database.dispose()


@contextmanager
def _fresh_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis unreachable at {REDIS_URL}: {exc}")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """`dukungan serve` and `dukungan worker` as child processes with one environment."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "dukungan.cli", *args], env=self.env, cwd=self.logs,
                                stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", "dukungan.cli", "migrate"], env=self.env, cwd=self.logs,
                       check=True, capture_output=True)

    def start(self, workers: int = 1) -> None:
        self.migrate()
        self._start("api", "serve", "--port", str(self.port))
        for i in range(workers):
            self._start(f"worker{i}", "worker", "--threads", "2")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"a process ended early:\n{self.tail()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the API did not start:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        out = []
        for f in sorted(self.logs.glob("*.log")):
            out.append(f"--- {f.name}\n" + "\n".join(f.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                p.kill()


@contextmanager
def running_stack(env: dict[str, str], logs: Path, workers: int = 1) -> Iterator[Stack]:
    stack = Stack(env, logs)
    try:
        stack.start(workers)
        yield stack
    finally:
        stack.stop()
