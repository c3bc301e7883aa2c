"""Read-only database connections for the server: one per server thread, opened on first use.

SQLite in WAL mode lets any number of readers go on while ``storyline run`` writes; each reader
sees the last committed batch. A connection per thread (not per process) keeps sqlite3 objects
off other threads, and opening it read-only (``mode=ro``) means a page can never write.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from storyline.store import Store, StoreError


class Readers:
    """Hands each thread its own read-only ``Store`` on the database at ``path``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no such database (create it with `storyline run INPUTS --db {path}`)")
        Store(self.path, read_only=True).close()  # fail now, with the store's message, not on the first page
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []

    def conn(self) -> sqlite3.Connection:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path, read_only=True)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store.conn

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
