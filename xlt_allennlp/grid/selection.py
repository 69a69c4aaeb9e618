"""Model selection of `allennlp grid-search`: strictly by the SOURCE dev metric.

A point's dev score is `best_validation_<metric>` in its `metrics.json`, for the metric its config
validates on (`trainer.validation_metric`; `-loss`: lower is better; a list of metrics: their
signed sum, as allennlp's trainer combines them). Target-language scores are never looked at.
With seeds, the settings are compared by the mean over their seeds, and only settings whose
seeds all finished are compared. Ties go to the earlier settings in grid order.
"""

import json
import os
import statistics
from dataclasses import dataclass
from typing import Any

from xlt_allennlp.grid.points import Point

ARCHIVE = "model.tar.gz"
METRICS = "metrics.json"
FAILURE = "grid_failure.json"  # written in a point's directory when its training failed
# A point's status: its files say done / failed / partial (interrupted: resumed next time) /
# pending (not started); "running" when a live claim holds it.
STATUSES = ("done", "running", "failed", "partial", "pending")


@dataclass(frozen=True)
class Objective:
    """The validation metric(s) as (sign, name) terms: +1 higher is better, -1 lower is."""

    terms: tuple[tuple[int, str], ...]

    @classmethod
    def parse(cls, validation_metric: str | list[str]) -> "Objective":
        names = validation_metric if isinstance(validation_metric, list) else [validation_metric]
        return cls(tuple((-1 if n.startswith("-") else 1, n.lstrip("+-")) for n in names))

    @property
    def label(self) -> str:
        """`accuracy`, `loss (lower is better)`, or `+LAS+UAS` for several."""
        if len(self.terms) == 1:
            sign, name = self.terms[0]
            return name if sign > 0 else f"{name} (lower is better)"
        return "".join(("+" if sign > 0 else "-") + name for sign, name in self.terms)

    def score(self, metrics: dict[str, Any]) -> float | None:
        """The dev score in a `metrics.json` (one metric: its value; several: their signed sum);
        None if a metric is missing."""
        values = [metrics.get(f"best_validation_{name}") for _, name in self.terms]
        if not all(isinstance(value, int | float) for value in values):
            return None
        if len(values) == 1:
            return float(values[0])
        return float(sum(sign * value for (sign, _), value in zip(self.terms, values, strict=True)))

    def gain(self, score: float) -> float:
        """The score as "higher is better"."""
        return -score if len(self.terms) == 1 and self.terms[0][0] < 0 else score


@dataclass
class PointResult:
    """What the files of one point say about it."""

    point: Point
    directory: str
    status: str
    dev_score: float | None = None
    best_epoch: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.point.name,
            "settings": self.point.values(),
            "status": self.status,
            "dev_score": self.dev_score,
            "best_epoch": self.best_epoch,
            "directory": self.directory,
            "error": self.error,
        }


def read_point(
    point: Point, directory: str, objective: Objective, holder: dict[str, Any] | None = None
) -> PointResult:
    """The status of `point` from its directory's files (and `holder`, the live claim on it)."""
    result = PointResult(point, directory, "pending")
    archive, metrics, failure = (os.path.join(directory, n) for n in (ARCHIVE, METRICS, FAILURE))
    if os.path.isfile(archive) and os.path.isfile(metrics):
        result.status = "done"
        try:
            with open(metrics, encoding="utf-8") as handle:
                values = json.load(handle)
        except (OSError, ValueError) as error:
            result.error = f"unreadable {METRICS}: {error}"
            return result
        result.dev_score = objective.score(values)
        result.best_epoch = values.get("best_epoch")
        if result.dev_score is None:
            result.error = f"{METRICS} has no best_validation_ value of {objective.label}"
    elif holder is not None:
        result.status = "running"
        result.error = None
    elif os.path.isfile(failure):
        result.status = "failed"
        try:
            with open(failure, encoding="utf-8") as handle:
                result.error = json.load(handle).get("error")
        except (OSError, ValueError) as error:
            result.error = f"unreadable {FAILURE}: {error}"
    elif os.path.isdir(directory):
        result.status = "partial"
    return result


@dataclass
class Selection:
    """The selected settings: their points (one per seed), mean (and std) dev score."""

    settings: dict[str, Any]
    results: list[PointResult]
    dev_score: float
    dev_std: float | None = None

    @property
    def archives(self) -> list[str]:
        return [os.path.join(result.directory, ARCHIVE) for result in self.results]


def group_scores(results: list[PointResult]) -> list[dict[str, Any]]:
    """Per settings (grid order): their points, the number done, and the mean and sample std
    of the dev scores (None unless every seed is done with a score)."""
    groups: dict[str, dict[str, Any]] = {}
    for result in results:
        group = groups.setdefault(
            result.point.group,
            {"settings": dict(result.point.settings), "results": [], "mean": None, "std": None},
        )
        group["results"].append(result)
    for group in groups.values():
        done = [r for r in group["results"] if r.status == "done"]
        scores = [r.dev_score for r in done if r.dev_score is not None]
        group["done"] = len(done)
        if len(scores) == len(group["results"]):
            group["mean"] = statistics.fmean(scores)
            group["std"] = statistics.stdev(scores) if len(scores) > 1 else None
    return list(groups.values())


def select(results: list[PointResult], objective: Objective) -> Selection | None:
    """The settings with the best mean dev score (ties: the first in grid order); None when no
    settings have all their seeds done."""
    groups = group_scores(results)
    best: dict[str, Any] | None = None
    for group in groups:
        if group["mean"] is not None and (
            best is None or objective.gain(group["mean"]) > objective.gain(best["mean"])
        ):
            best = group
    if best is None:
        return None
    return Selection(best["settings"], best["results"], best["mean"], best["std"])
