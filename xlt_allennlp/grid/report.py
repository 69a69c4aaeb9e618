"""The report of `allennlp grid-search`: `DIR/grid.json` (every point: settings, status, dev
score, best epoch, directory, error; per settings the mean over seeds; the selection) and the
same as Markdown, `DIR/grid.md`. Both are written whole (a temporary file renamed into place), so
copies that share the directory may each write them."""

import json
import os
import uuid
from typing import Any

from xlt_allennlp.grid.selection import Objective, PointResult, Selection, group_scores


def _selection_json(selection: Selection | None) -> dict[str, Any] | None:
    if selection is None:
        return None
    return {
        "name": selection.results[0].point.group,
        "settings": selection.settings,
        "points": [result.point.name for result in selection.results],
        "dev_score": selection.dev_score,
        "dev_std": selection.dev_std,
        "archives": selection.archives,
    }


def grid_json(
    config: str, objective: Objective, results: list[PointResult], selection: Selection | None
) -> dict[str, Any]:
    done = sum(result.status == "done" for result in results)
    seeds = [r.point.seed for r in results if r.point.seed is not None]
    groups = [
        {k: v for k, v in group.items() if k != "results"}
        | {"points": [r.point.name for r in group["results"]]}
        for group in group_scores(results)
    ]
    return {
        "config": config,
        "validation_metric": [("+" if s > 0 else "-") + n for s, n in objective.terms],
        "dev_score_from": f"best_validation_<metric> in metrics.json ({objective.label})",
        "points_done": done,
        "points_total": len(results),
        "complete": done == len(results),
        "selected": _selection_json(selection),
        "points": [result.to_json() for result in results],
        "groups": groups if seeds else None,
    }


def _cell(text: Any) -> str:
    text = "" if text is None else str(text)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 200 else text[:197] + "..."


def _score(value: float | None, std: float | None = None) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if std is None else f"{value:.4f} ± {std:.4f}"


def grid_markdown(
    config: str, objective: Objective, results: list[PointResult], selection: Selection | None
) -> str:
    done = sum(result.status == "done" for result in results)
    lines = [f"# Grid search: {config}", ""]
    if selection is None:
        lines.append("No settings selected yet: none has all its points done.")
    else:
        over = f", mean over {len(selection.results)} seeds" if len(selection.results) > 1 else ""
        lines.append(
            f"Selected by the source dev score ({objective.label}{over}): "
            f"**{selection.results[0].point.group}**, dev {_score(selection.dev_score)}."
        )
    lines += ["", f"{done} of {len(results)} points done.", ""]
    selected = {r.point.name for r in selection.results} if selection else set()
    lines += [f"| point | status | dev {objective.label} | best epoch | error |", "|---" * 5 + "|"]
    for result in results:
        name = result.point.name + (" (selected)" if result.point.name in selected else "")
        lines.append(
            f"| {name} | {result.status} | {_score(result.dev_score)} | "
            f"{_cell(result.best_epoch)} | {_cell(result.error)} |"
        )
    if any(result.point.seed is not None for result in results):
        lines += ["", f"| settings | seeds done | dev {objective.label} (mean ± std) |"]
        lines.append("|---|---|---|")
        for group in group_scores(results):
            name = group["results"][0].point.group
            count = f"{group['done']}/{len(group['results'])}"
            lines.append(f"| {name} | {count} | {_score(group['mean'], group['std'])} |")
    return "\n".join(lines) + "\n"


def _write_whole(path: str, text: str) -> None:
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def write_report(
    directory: str,
    config: str,
    objective: Objective,
    results: list[PointResult],
    selection: Selection | None,
) -> list[str]:
    """Writes `grid.json` and `grid.md` in `directory`; returns their paths."""
    paths = [os.path.join(directory, "grid.json"), os.path.join(directory, "grid.md")]
    report = grid_json(config, objective, results, selection)
    _write_whole(paths[0], json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    _write_whole(paths[1], grid_markdown(config, objective, results, selection))
    return paths
