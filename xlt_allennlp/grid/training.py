"""Training the points of `allennlp grid-search`, one after another in this process: a done
point is skipped, one with a checkpoint resumed, any other trained from the start; a point that
raises is recorded (`grid_failure.json`) while the grid goes on. Claims (`grid.claims`) keep
copies that share the grid directory off each other's points."""

import gc
import json
import logging
import os
import shutil
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import torch
from allennlp.commands.train import train_model_from_file
from allennlp.common import Tqdm
from allennlp.common.checks import ConfigurationError
from allennlp.models.archival import CONFIG_NAME
from allennlp.training.checkpointer import Checkpointer

from xlt_allennlp.grid.claims import Claims
from xlt_allennlp.grid.points import Point
from xlt_allennlp.grid.selection import FAILURE, Objective, PointResult, read_point

logger = logging.getLogger(__name__)

TRAINING = "grid-search: points"  # the progress bar over this shard's points


@contextmanager
def environment(ext_vars: dict[str, str]) -> Iterator[None]:
    """Sets environment variables for the block and restores the previous ones after."""
    saved = {name: os.environ.get(name) for name in ext_vars}
    os.environ.update(ext_vars)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def train_point(
    config: str, directory: str, ext_vars: dict[str, str], *, recover: bool, overrides: str = ""
) -> None:
    """Trains one point with allennlp's own training, its ext vars in the environment;
    `recover`: continue from the checkpoint in `directory`."""
    with environment(ext_vars):
        train_model_from_file(config, directory, overrides=overrides, recover=recover)
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _resumable(directory: str) -> bool:
    if not os.path.isfile(os.path.join(directory, CONFIG_NAME)):
        return False
    return Checkpointer(directory).find_latest_checkpoint() is not None


def _record_failure(directory: str, error: Exception, elapsed: float, resumed: bool) -> str:
    message = f"{type(error).__name__}: {str(error).strip() or repr(error)}"
    if resumed and isinstance(error, ConfigurationError):
        message += " (while resuming: delete the point's directory to train it from the start)"
    os.makedirs(directory, exist_ok=True)
    record = {
        "error": message,
        "traceback": traceback.format_exc(),
        "resumed": resumed,
        "elapsed_s": round(elapsed, 1),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with open(os.path.join(directory, FAILURE), "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)
    return message


def _describe(result: PointResult, objective: Objective) -> str:
    if result.dev_score is None:
        return f"no dev score: {result.error}"
    return f"dev {objective.label} {result.dev_score:.4f}, best epoch {result.best_epoch}"


def _run_point(
    point: Point, directory: str, claims: Claims, objective: Objective, config: str, overrides: str
) -> tuple[str, str | None]:
    """Trains, resumes or skips one point; returns its progress text and its error, if any."""
    before = read_point(point, directory, objective)
    if before.status == "done":
        return f"skipped (done before: {_describe(before, objective)})", None
    claim = claims.acquire(point.name)
    if claim is None:
        holder = claims.holder(point.name) or {}
        by = f"{holder.get('host', '?')}:{holder.get('pid', '?')} since {holder.get('time', '?')}"
        return f"skipped (being trained by {by})", None
    with claim:
        now = read_point(point, directory, objective)
        if now.status == "done":
            return f"skipped (done by another copy: {_describe(now, objective)})", None
        recover = _resumable(directory)
        if not recover and os.path.isdir(directory):
            shutil.rmtree(directory)  # no checkpoint: nothing worth keeping
        start = time.monotonic()
        try:
            train_point(config, directory, point.ext_vars(), recover=recover, overrides=overrides)
        except Exception as error:  # a failed point is recorded, the grid goes on
            elapsed = time.monotonic() - start
            message = _record_failure(directory, error, elapsed, recover)
            logger.exception("Point %s failed", point.name)
            return f"failed after {elapsed:.1f}s: {message.splitlines()[0]}", message
        elapsed = time.monotonic() - start
        if os.path.isfile(os.path.join(directory, FAILURE)):
            os.remove(os.path.join(directory, FAILURE))
        word = "retried, done" if now.status == "failed" else "done"
        word = "resumed, done" if recover else word
        done = read_point(point, directory, objective)
        return f"{word} in {elapsed:.1f}s ({_describe(done, objective)})", None


def run_points(
    points: list[Point],
    directory: str,
    claims: Claims,
    objective: Objective,
    config: str,
    overrides: str,
) -> dict[str, str]:
    """Trains, resumes or skips each point in turn (one progress bar over them, a line per
    point); returns the error of each point that failed, by name."""
    failures: dict[str, str] = {}
    progress = Tqdm.tqdm(points, desc=TRAINING, unit=" points")
    for index, point in enumerate(progress, 1):
        progress.set_postfix_str(point.name, refresh=False)
        folder = os.path.join(directory, point.name)
        text, error = _run_point(point, folder, claims, objective, config, overrides)
        print(f"[{index}/{len(points)}] {point.name}: {text}", flush=True)
        if error is not None:
            failures[point.name] = error
    return failures
