"""How much model selection matters: the grid's source-dev choice beside the oracle per language.

Keung et al. (2020) show that English dev scores can be uncorrelated with, or even opposite to,
zero-shot target scores, and recommend reporting the oracle (target-dev-selected) score beside
the source-dev one. The report has, per target language and for one metric: the score of the
settings selected on the source dev set (what `grid-search` picks), the oracle (the settings
best on that language's dev file when one is given; otherwise the best on the evaluated file
itself, labelled an upper bound, not a result), the mean, spread and range over the grid's
settings, the gap oracle - selected, the Spearman rank correlation between the settings' source
dev scores and their scores on the language, and, when given, the score of the uniform weight
average (a target-free alternative to choosing). With seeds, a settings' score is the mean over
its seeds. Source-dev selection happens in `grid.selection.select`, which never sees target data.
"""

import csv
import io
import json
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from xlt_allennlp.common.plotting import pyplot


@dataclass
class SettingsScores:
    """One settings of the grid: its mean source dev score (higher is better), and its mean
    score per language on the evaluated files and (optionally) on target dev files."""

    name: str
    dev_score: float
    test: dict[str, float]
    target_dev: dict[str, float] = field(default_factory=dict)


def spearman(x: list[float], y: list[float]) -> tuple[float | None, float | None]:
    """Spearman's rho and its p-value (scipy); None where it is undefined (fewer than three
    settings, or constant scores)."""
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None, None
    from scipy.stats import spearmanr

    result = spearmanr(x, y)
    rho, p = float(result.statistic), float(result.pvalue)
    return (None, None) if math.isnan(rho) else (rho, p)


@dataclass
class SelectionReport:
    metric: str
    settings: list[SettingsScores]
    selected: str  # the name of the settings chosen on the source dev set
    source_language: str | None = "en"
    soup: dict[str, float] = field(default_factory=dict)  # language -> score of the average

    def languages(self) -> list[str]:
        names = dict.fromkeys(lang for one in self.settings for lang in one.test)
        return [lang for lang in names if lang != self.source_language] + (
            [self.source_language] if self.source_language in names else []
        )

    def row(self, language: str) -> dict[str, Any]:
        scored = [one for one in self.settings if language in one.test]
        chosen = next(one for one in self.settings if one.name == self.selected)
        with_dev = [one for one in scored if language in one.target_dev]
        if with_dev:
            oracle = max(with_dev, key=lambda one: one.target_dev[language])
            oracle_kind = "target dev"
        else:
            oracle = max(scored, key=lambda one: one.test[language])
            oracle_kind = "upper bound (best on this file)"
        values = [one.test[language] for one in scored]
        rho, p = spearman([one.dev_score for one in scored], values)
        selected = chosen.test.get(language)
        return {
            "language": language,
            "selected": selected,
            "oracle": oracle.test[language],
            "oracle_kind": oracle_kind,
            "oracle_settings": oracle.name,
            "gap": None if selected is None else oracle.test[language] - selected,
            "grid_mean": statistics.fmean(values),
            "grid_std": statistics.stdev(values) if len(values) > 1 else None,
            "grid_min": min(values),
            "grid_max": max(values),
            "spearman": rho,
            "spearman_p": p,
            "soup": self.soup.get(language),
            "settings": len(values),
        }

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(language) for language in self.languages()]

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "selected": self.selected,
            "source_language": self.source_language,
            "rows": self.rows(),
            "settings": [vars(one) for one in self.settings],
            "soup": self.soup,
        }

    def csv(self) -> str:
        out = io.StringIO()
        rows = self.rows()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    def markdown(self) -> str:
        def cell(value: float | None, scale: float = 100.0) -> str:
            return "-" if value is None else f"{scale * value:.1f}"

        header = (
            f"| language | selected on {self.source_language or 'source'} dev | oracle | gap | "
            "grid mean ± std | grid range | Spearman (dev, target) | uniform soup |"
        )
        lines = [
            f"Selection by the source dev set vs the oracle ({self.metric}, x100; "
            f"{len(self.settings)} settings).",
            "",
            header,
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in self.rows():
            oracle = cell(row["oracle"]) + ("" if row["oracle_kind"] == "target dev" else "*")
            spread = cell(row["grid_mean"]) + (
                "" if row["grid_std"] is None else f" ± {cell(row['grid_std'])}"
            )
            rho = "-" if row["spearman"] is None else f"{row['spearman']:+.2f}"
            lines.append(
                f"| {row['language']} | {cell(row['selected'])} | {oracle} | {cell(row['gap'])} "
                f"| {spread} | {cell(row['grid_min'])}-{cell(row['grid_max'])} | {rho} | "
                f"{cell(row['soup'])} |"
            )
        if any(row["oracle_kind"] != "target dev" for row in self.rows()):
            lines += ["", "\\* no target dev file: the best score on the evaluated file itself "
                      "(an upper bound, not a result)."]  # fmt: skip
        return "\n".join(lines)

    def figure(self, path: str) -> str:
        """Per language: every settings' score (grey), the source-dev choice (blue), the oracle
        (red) and the uniform soup (green), as a PNG."""
        plt = pyplot()
        rows = self.rows()
        kinds = {row["oracle_kind"] == "target dev" for row in rows}
        oracle_label = {
            frozenset({True}): "oracle (target dev)",
            frozenset({False}): "upper bound (best on the file)",
        }.get(frozenset(kinds), "oracle (target dev) / upper bound")
        figure, axes = plt.subplots(figsize=(max(4.0, 0.9 * len(rows) + 2), 3.6))
        for x, row in enumerate(rows):
            values = [
                one.test[row["language"]] for one in self.settings if row["language"] in one.test
            ]
            axes.scatter([x] * len(values), [100 * v for v in values], color="0.7", s=14, zorder=1)
            if row["selected"] is not None:
                axes.scatter(x, 100 * row["selected"], color="tab:blue", marker="D", s=36, zorder=3,
                             label="selected on source dev" if x == 0 else None)  # fmt: skip
            axes.scatter(x, 100 * row["oracle"], color="tab:red", marker="*", s=70, zorder=2,
                         label=oracle_label if x == 0 else None)  # fmt: skip
            if row["soup"] is not None:
                axes.scatter(x, 100 * row["soup"], color="tab:green", marker="s", s=30, zorder=2,
                             label="uniform soup" if x == 0 else None)  # fmt: skip
        axes.set_xticks(range(len(rows)), [row["language"] for row in rows])
        axes.set_ylabel(f"{self.metric} (x100)")
        axes.set_title("Model selection: source dev vs oracle")
        axes.legend(fontsize="small")
        figure.tight_layout()
        figure.savefig(path, dpi=120)
        plt.close(figure)
        return path

    def write(self, json_path: str) -> list[str]:
        """`json_path` and, beside it, `.csv`, `.md` and `.png`; returns the paths."""
        stem = json_path.rsplit(".", 1)[0]
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(self.to_json(), handle, indent=2, ensure_ascii=False)
        with open(stem + ".csv", "w", encoding="utf-8", newline="") as handle:
            handle.write(self.csv())
        with open(stem + ".md", "w", encoding="utf-8") as handle:
            handle.write(self.markdown() + "\n")
        return [json_path, stem + ".csv", stem + ".md", self.figure(stem + ".png")]
