"""What a process needs at run time, built once from Settings and passed in (never global)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dukungan.settings import Settings
from storage.db import Database
from storage.objects import ObjectStore, open_object_store

# send(actor_name, *args): put a message on the queue. Called only after the database commit.
Sender = Callable[..., None]


@dataclass
class Runtime:
    settings: Settings
    db: Database
    store: ObjectStore
    send: Sender = field(default=lambda *a, **k: None)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, send: Sender | None = None) -> Runtime:
        rt = cls(settings=settings, db=Database(settings.database_url),
                 store=open_object_store(settings.storage_url))
        if send is not None:
            rt.send = send
        return rt

    def close(self) -> None:
        self.db.dispose()
