"""The dramatiq broker, built from settings (never at import time), and a sender for the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries

from dukungan.settings import Settings
from workers.retry import retry_when


class BrokerUnavailable(Exception):
    """Redis cannot be reached; the message names the setting."""


def build_broker(settings: Settings, *, stub: bool = False) -> dramatiq.Broker:
    broker: dramatiq.Broker = StubBroker() if stub else RedisBroker(url=settings.broker_url)  # type: ignore[no-untyped-call]
    for mw in list(broker.middleware):
        if isinstance(mw, Retries):
            broker.middleware.remove(mw)
    broker.add_middleware(Retries(max_retries=3, min_backoff=1000, max_backoff=30_000, retry_when=retry_when))
    return broker


def ping(broker: dramatiq.Broker, settings: Settings) -> None:
    if isinstance(broker, RedisBroker):
        try:
            broker.client.ping()
        except Exception as exc:  # redis raises several connection error types
            raise BrokerUnavailable(
                f"DUKUNGAN_BROKER_URL: cannot reach Redis at {settings.broker_url}: {exc}") from None


def make_sender(broker: dramatiq.Broker, queue_name: str) -> Callable[..., None]:
    """send(actor_name, *args): enqueue by name, so the API needs no actor code loaded."""

    def send(actor_name: str, *args: Any) -> None:
        broker.enqueue(dramatiq.Message(queue_name=queue_name, actor_name=actor_name, args=args,
                                        kwargs={}, options={}))

    return send
