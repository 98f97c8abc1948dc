"""A live server for browser tests: uvicorn in a thread on a free port, SQLite, the local object
store, and a real dramatiq worker in process (stub broker), so uploads are read for real.

Chromium is Debian's (/usr/bin/chromium): Playwright's own browser download cannot work here.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DUKUNGAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN_TOKEN = "browser-admin-token-5f0c2e"


@dataclass
class Live:
    url: str
    rt: Any


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import dramatiq
    import uvicorn

    from dukungan.runtime import Runtime
    from dukungan.settings import Settings
    from ingest_api.app import create_app
    from pipelines.engines.registry import Engines
    from storage.migrate import upgrade
    from tests.conftest_services import free_port
    from workers.actors import register
    from workers.broker import build_broker, make_sender

    root = tmp_path_factory.mktemp("live")
    settings = Settings(database_url=f"sqlite:///{root / 'db.sqlite3'}", storage_url=f"file://{root / 'objects'}",
                        admin_token=ADMIN_TOKEN, queue_name=f"browser-{os.getpid()}")
    upgrade(settings.database_url)
    broker = build_broker(settings, stub=True)
    rt = Runtime.build(settings, send=make_sender(broker, settings.queue_name))
    register(broker, rt, lambda: Engines(tessdata=settings.tessdata_dir))
    # One thread: pdfium is not thread-safe, and two threads rendering PDF pages at once crash the
    # process (seen here: SIGSEGV in pypdfium2 `page.render`); pipelines/pages.py has no lock yet.
    worker = dramatiq.Worker(broker, worker_threads=1, queues={settings.queue_name})
    worker.start()
    server = uvicorn.Server(uvicorn.Config(create_app(rt), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{server.config.port}", rt)
    finally:
        server.should_exit = True
        thread.join(10)
        worker.stop(timeout=10_000)
        broker.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
