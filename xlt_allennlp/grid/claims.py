"""Claims on grid points: copies of `allennlp grid-search` that share a directory (N GPUs, a
Slurm job array, machines on a shared file system) never train the same point at once.

Each point has a log of numbered claim files, `DIR/.claims/<point>/00000000.json`, ... A copy
takes a point by creating the next number. Creation is atomic and fails when the number exists
(a complete file hard-linked into place with `os.link`, which is atomic on NFS too), so of two
copies only one gets it. The newest file says who holds the point: a live claim (its holder
refreshes the file's time while it trains), a released one, or a stale one: not refreshed for
`timeout` seconds, or written on this host by a process that no longer exists (a killed run). A
released or stale point can be taken. Numbers are never reused, so a copy that looked at an
older state can never take a point that someone took since.
"""

import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)

CLAIMS_FOLDER = ".claims"
_ENTRY = re.compile(r"^(\d{8})\.json$")


def _alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _identity(**extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {"host": socket.gethostname(), "pid": os.getpid(), "time": now, **extra}


class Claims:
    """The claims on the points of one grid directory; `timeout` (seconds): how long a claim
    may go without being refreshed before another copy takes the point over."""

    def __init__(self, directory: str, timeout: float = 3600.0) -> None:
        self.folder = os.path.join(directory, CLAIMS_FOLDER)
        self.timeout = timeout

    def holder(self, name: str) -> dict[str, Any] | None:
        """The live claim on point `name` (host, pid, time), or None when the point is free."""
        latest = self._latest(name)
        if latest is None:
            return None
        info, free = self._state(latest[1])
        return None if free else info

    def acquire(self, name: str) -> "Claim | None":
        """Takes point `name` if it is free (never claimed, released or stale); None if a live
        claim holds it or another copy took it at the same moment."""
        latest = self._latest(name)
        if latest is not None and not self._state(latest[1])[1]:
            return None
        number = 0 if latest is None else latest[0] + 1
        path = self._create(name, number, _identity())
        if path is None:
            return None
        interval = max(0.05, min(60.0, self.timeout / 4))
        return Claim(self, name, number, path, interval)

    def _latest(self, name: str) -> tuple[int, str] | None:
        folder = os.path.join(self.folder, name)
        try:
            numbers = [int(m.group(1)) for m in map(_ENTRY.match, os.listdir(folder)) if m]
        except FileNotFoundError:
            return None
        if not numbers:
            return None
        return max(numbers), os.path.join(folder, f"{max(numbers):08d}.json")

    def _state(self, path: str) -> tuple[dict[str, Any], bool]:
        """A claim file's content and whether it leaves the point free."""
        try:
            with open(path, encoding="utf-8") as handle:
                info = json.load(handle)
            age = time.time() - os.stat(path).st_mtime
        except (OSError, ValueError):  # being written (file systems without hard links)
            return {}, False
        if info.get("released") or age > self.timeout:
            return info, True
        pid = info.get("pid")
        dead = info.get("host") == socket.gethostname() and isinstance(pid, int) and not _alive(pid)
        return info, dead

    def _create(self, name: str, number: int, info: dict[str, Any]) -> str | None:
        """Creates claim file `number` of point `name` with `info`, atomically; None if it
        exists already."""
        folder = os.path.join(self.folder, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{number:08d}.json")
        temporary = os.path.join(folder, f".{uuid.uuid4().hex}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(info, handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return None
        except OSError:  # no hard links here: an exclusive create instead
            try:
                descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return None
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(info, handle)
        finally:
            os.remove(temporary)
        return path


class Claim:
    """A point held by this process: refreshed in the background until `release()` (or the end
    of a `with` block)."""

    def __init__(self, claims: Claims, name: str, number: int, path: str, interval: float):
        self.claims, self.name, self.number, self.path = claims, name, number, path
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._refresh, args=(interval,), daemon=True)
        self._beat.start()

    def _refresh(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                os.utime(self.path)
            except OSError as error:
                logger.warning("Could not refresh the claim %s: %s", self.path, error)

    def release(self) -> None:
        """Stops refreshing and marks the point free (the next claim number, `released`)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._beat.join()
        if self.claims._create(self.name, self.number + 1, _identity(released=True)) is None:
            logger.warning(
                "The claim on %s was taken over while held (not refreshed for %s s)",
                self.name,
                self.claims.timeout,
            )

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
