"""`dukungan serve | worker | migrate | demo`: the operations contract of API.md."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from dukungan.settings import Settings

log = logging.getLogger("dukungan")


class StartupError(Exception):
    """A one-line message for the operator, naming the setting at fault."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise StartupError(f"DUKUNGAN_{str(first['loc'][0]).upper()}: {first['msg']}") from None


def _logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def check_services(settings: Settings, *, broker: bool = True) -> None:
    """Reach every configured service once; a failure is one clear line naming the setting."""
    from storage.db import Database, DatabaseUnavailable, ping
    from storage.objects import ObjectStoreError, open_object_store
    from workers.broker import BrokerUnavailable, build_broker
    from workers.broker import ping as ping_broker

    db = Database(settings.database_url)
    try:
        ping(db.engine)
    except DatabaseUnavailable as exc:
        raise StartupError(str(exc)) from None
    finally:
        db.dispose()
    try:
        open_object_store(settings.storage_url).ping()
    except (ObjectStoreError, ValueError) as exc:
        raise StartupError(f"DUKUNGAN_STORAGE_URL: {exc}") from None
    if broker:
        try:
            ping_broker(build_broker(settings), settings)
        except BrokerUnavailable as exc:
            raise StartupError(str(exc)) from None


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.db import Database, DatabaseUnavailable, ping
    from storage.migrate import upgrade

    db = Database(settings.database_url)
    try:
        ping(db.engine)
    except DatabaseUnavailable as exc:
        raise StartupError(str(exc)) from None
    finally:
        db.dispose()
    upgrade(settings.database_url)
    print(f"database schema is up to date ({db.engine.url.render_as_string()})")
    return 0


def build_api_runtime(settings: Settings) -> Any:
    from dukungan.runtime import Runtime
    from workers.broker import build_broker, make_sender
    from workers.broker import ping as ping_broker

    broker = build_broker(settings)
    rt = Runtime.build(settings, send=make_sender(broker, settings.queue_name))
    rt.extras["broker_ping"] = lambda: ping_broker(broker, settings)
    return rt


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from ingest_api.app import create_app

    check_services(settings)
    app = create_app(build_api_runtime(settings))
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level.lower())
    return 0


def run_worker(settings: Settings, threads: int) -> None:
    """One worker process: its runtime, engines and actors, consuming until told to stop."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: 2.4x faster on 2 cores than default
    import cv2

    # Pages are read in parallel by the worker's threads and processes: OpenCV's own threads
    # would only contend with them for the same cores (as OpenMP's would in Tesseract).
    cv2.setNumThreads(1)
    import dramatiq

    from dukungan.runtime import Runtime
    from pipelines.engines.registry import Engines
    from workers.actors import register
    from workers.broker import build_broker, make_sender

    _logging(settings)
    broker = build_broker(settings)
    dramatiq.set_broker(broker)
    rt = Runtime.build(settings, send=make_sender(broker, settings.queue_name))
    engines = Engines(tessdata=settings.tessdata_dir)
    # The models shared by the threads load now, not inside the first page's time limit (the
    # pages are read on dramatiq's threads, which open their own Tesseract)
    engines.warm(this_thread=False)
    register(broker, rt, lambda: engines)
    worker = dramatiq.Worker(broker, worker_threads=threads, queues={settings.queue_name})
    stop = threading.Event()

    def _stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    worker.start()
    log.info("worker ready: %d threads on queue %s", threads, settings.queue_name)
    threading.Thread(target=_sweep_forever, args=(rt, stop), name="sweeper", daemon=True).start()
    stop.wait()
    worker.stop(timeout=30_000)
    broker.close()
    rt.close()


def _sweep_forever(rt: Any, stop: threading.Event, every: float = 60.0) -> None:
    """Re-send the flow for anything stuck (lost messages); see dukungan.services.sweeper."""
    from dukungan.services.sweeper import sweep

    while not stop.wait(every):
        try:
            sweep(rt)
        except Exception:  # a database hiccup must not kill the sweeper; it tries again later
            log.exception("sweeper failed; retrying in %.0f s", every)


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    check_services(settings)
    if args.processes <= 1:
        run_worker(settings, args.threads)
        return 0
    procs = [multiprocessing.get_context("spawn").Process(target=run_worker, args=(settings, args.threads))
             for _ in range(args.processes)]
    for p in procs:
        p.start()

    def _forward(signum: int, _frame: Any) -> None:
        for p in procs:
            if p.pid:
                os.kill(p.pid, signum)

    signal.signal(signal.SIGINT, _forward)
    signal.signal(signal.SIGTERM, _forward)
    for p in procs:
        p.join()
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from dukungan.demo import run_demo

    return run_demo(settings, host=args.host, port=args.port, keep=args.keep, seed=args.seed)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="dukungan", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the API and the web pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    worker = sub.add_parser("worker", help="dramatiq workers that read and check documents")
    worker.add_argument("--processes", type=int, default=1)
    worker.add_argument("--threads", type=int, default=2)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    demo = sub.add_parser("demo", help="everything on embedded defaults, with a sample submission")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--keep", action="store_true", help="keep the API and worker running afterwards")
    args = ap.parse_args(argv)
    commands = {"serve": cmd_serve, "worker": cmd_worker, "migrate": cmd_migrate, "demo": cmd_demo}
    try:
        settings = load_settings()
        _logging(settings)
        return commands[args.command](settings, args)
    except StartupError as exc:
        print(f"dukungan: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
