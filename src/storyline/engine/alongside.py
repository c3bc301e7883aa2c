"""Run one call in a thread while the caller goes on with other work.

The driver of a run is the serial part: once the workers got faster than it, one core was partly
idle. Writing a batch's articles is mostly SQLite's own work (the full-text index tokenises every
text, the pages are filled) and SQLite releases the GIL while it runs a statement, so that write
can run on the idle core while the driver places the same batch in events in Python.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Alongside:
    """``fn(*args, **kwargs)`` started in a thread at once; ``wait()`` returns its result or raises
    its error. Only for calls whose result the caller's work does not depend on, and that touch
    what the caller's work does not (the caller owns that proof)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any):
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args, kwargs), name="storyline-alongside",
                                        daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            self._result = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller by ``wait``
            self._error = exc

    def wait(self) -> Any:
        """The call's result, once it is done. An interrupt (Ctrl-C) while waiting is raised only
        after the call ended: the caller rolls back a transaction the call may still be writing in."""
        interrupted: BaseException | None = None
        while self._thread.is_alive():
            try:
                self._thread.join()
            except KeyboardInterrupt as exc:
                interrupted = exc
        if interrupted is not None:
            raise interrupted
        if self._error is not None:
            raise self._error
        return self._result
