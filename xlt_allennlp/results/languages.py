"""Per-language results of one model: the averages the paper reports, and JSON/CSV/Markdown."""

import csv
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class LanguageResults:
    """Scores of one model on several languages (`evaluate-languages`), in one place.

    `scores[language][metric]` holds every metric allennlp reported (fractions, as allennlp
    gives them); `metrics` are the ones tabulated; `errors[language]` says why a language could
    not be evaluated. Two averages, per metric: over the target languages (every language but
    `source_language`: the paper's zero-shot average) and over all languages.
    """

    scores: dict[str, dict[str, float]]
    metrics: list[str]
    source_language: Optional[str] = "en"
    errors: dict[str, str] = field(default_factory=dict)

    def targets(self) -> list[str]:
        return [language for language in self.scores if language != self.source_language]

    def averages(self) -> dict[str, dict[str, float]]:
        """`{"zero-shot": {metric: mean over target languages}, "all": {...}}`; a metric only
        where some language has it."""
        groups = {"zero-shot": self.targets(), "all": list(self.scores)}
        averages: dict[str, dict[str, float]] = {}
        for name, languages in groups.items():
            averages[name] = {}
            for metric in self.metrics:
                values = [
                    self.scores[lang][metric] for lang in languages if metric in self.scores[lang]
                ]
                if values:
                    averages[name][metric] = sum(values) / len(values)
        return averages

    def average_labels(self) -> dict[str, str]:
        return {
            "zero-shot": f"avg zero-shot ({len(self.targets())} languages, "
            f"without {self.source_language})"
            if self.source_language in self.scores
            else f"avg zero-shot ({len(self.targets())} languages)",
            "all": f"avg all ({len(self.scores)} languages)",
        }

    def rows(self) -> list[tuple[str, dict[str, float]]]:
        """Table rows: every language, then both averages (under their labels)."""
        labels = self.average_labels()
        averages = [(labels[name], values) for name, values in self.averages().items() if values]
        return [*self.scores.items(), *averages]

    def markdown(self) -> str:
        """A Markdown table, scores x100 with one decimal; failed languages are listed below."""
        lines = ["| language | " + " | ".join(self.metrics) + " |"]
        lines.append("|" + "---|" * (len(self.metrics) + 1))
        for name, values in self.rows():
            cells = [f"{100 * values[m]:.1f}" if m in values else "-" for m in self.metrics]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        for language, error in self.errors.items():
            lines.append(f"\nnot evaluated: {language}: {error}")
        return "\n".join(lines)

    def csv(self) -> str:
        """The table as CSV: `language,<metrics>`, values as fractions at full precision."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["language", *self.metrics])
        for name, values in self.rows():
            writer.writerow([name, *(values.get(m, "") for m in self.metrics)])
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": {
                m: {lang: v[m] for lang, v in self.scores.items() if m in v} for m in self.metrics
            },
            "averages": self.averages(),
            "average_labels": self.average_labels(),
            "source_language": self.source_language,
            "results": self.scores,
            "errors": self.errors,
        }

    def write(self, json_path: str, **extra: Any) -> list[str]:
        """Writes `json_path` and, beside it, the same table as `.csv` and `.md`; returns the
        three paths. `extra` goes into the JSON (e.g. the archive)."""
        return write_table_files(self, json_path, **extra)


def write_table_files(table: Any, json_path: str, **extra: Any) -> list[str]:
    """Writes a results table (anything with `to_json`, `csv` and `markdown`: `LanguageResults`,
    `SeedResults`) as `json_path` plus `.csv` and `.md` beside it, creating the directory if
    needed; returns the three paths."""
    stem = os.path.splitext(json_path)[0]
    paths = [json_path, stem + ".csv", stem + ".md"]
    os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
    with open(paths[0], "w", encoding="utf-8") as handle:
        json.dump({**extra, **table.to_json()}, handle, indent=2, ensure_ascii=False)
    with open(paths[1], "w", encoding="utf-8", newline="") as handle:
        handle.write(table.csv())
    with open(paths[2], "w", encoding="utf-8") as handle:
        handle.write(table.markdown() + "\n")
    return paths
