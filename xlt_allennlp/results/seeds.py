"""Per-language results of one setting trained with several seeds (`allennlp grid-search
--seeds ... --evaluate ...`): mean ± sample standard deviation over the seeds, per language and
for both averages of `LanguageResults`, as JSON, CSV and Markdown. The JSON has the keys of an
`evaluate-languages` file (`metrics`: the means, `averages`), plus `std`, `averages_std` and every
seed's own results."""

import csv
import io
import statistics
from dataclasses import dataclass
from typing import Any

from xlt_allennlp.results.languages import LanguageResults, write_table_files


def _mean_std(values: list[float]) -> tuple[float, float | None]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else None


@dataclass
class SeedResults:
    """`per_seed[point name]`: that seed's `LanguageResults`, all with the same metrics."""

    per_seed: dict[str, LanguageResults]

    @property
    def first(self) -> LanguageResults:
        return next(iter(self.per_seed.values()))

    def languages(self) -> list[str]:
        return list(dict.fromkeys(lang for r in self.per_seed.values() for lang in r.scores))

    def _collect(self, values_of: Any) -> dict[str, dict[str, tuple[float, float | None]]]:
        """{row: {metric: (mean, std)}} from `values_of(results) -> {row: {metric: value}}`."""
        table: dict[str, dict[str, tuple[float, float | None]]] = {}
        tables = [values_of(results) for results in self.per_seed.values()]
        rows = list(dict.fromkeys(row for one in tables for row in one))
        for row in rows:
            table[row] = {}
            for metric in self.first.metrics:
                values = [one[row][metric] for one in tables if metric in one.get(row, {})]
                if values:
                    table[row][metric] = _mean_std(values)
        return table

    def scores(self) -> dict[str, dict[str, tuple[float, float | None]]]:
        return self._collect(lambda results: results.scores)

    def averages(self) -> dict[str, dict[str, tuple[float, float | None]]]:
        return self._collect(lambda results: results.averages())

    def rows(self) -> list[tuple[str, dict[str, tuple[float, float | None]]]]:
        labels = self.first.average_labels()
        averages = [(labels[name], values) for name, values in self.averages().items() if values]
        return [*self.scores().items(), *averages]

    def markdown(self) -> str:
        """Scores x100 with one decimal, `mean ± std`."""
        metrics = self.first.metrics
        lines = ["| language | " + " | ".join(metrics) + " |", "|" + "---|" * (len(metrics) + 1)]
        for name, values in self.rows():
            cells = [_percent(*values[m]) if m in values else "-" for m in metrics]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append(f"\nmean ± sample standard deviation over {len(self.per_seed)} seeds")
        return "\n".join(lines)

    def csv(self) -> str:
        """`language,<metric>,<metric>_std,...`, fractions at full precision."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        metrics = self.first.metrics
        writer.writerow(["language", *(f"{m}{s}" for m in metrics for s in ("", "_std"))])
        for name, values in self.rows():
            cells = [values.get(m, ("", ""))[i] for m in self.first.metrics for i in (0, 1)]
            writer.writerow([name, *("" if cell is None else cell for cell in cells)])
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        def part(table: dict[str, dict[str, tuple]], index: int, by_metric: bool) -> dict:
            if by_metric:
                return {
                    m: {row: v[m][index] for row, v in table.items() if m in v}
                    for m in self.first.metrics
                }
            return {row: {m: value[index] for m, value in v.items()} for row, v in table.items()}

        scores, averages = self.scores(), self.averages()
        return {
            "metrics": part(scores, 0, True),
            "std": part(scores, 1, True),
            "averages": part(averages, 0, False),
            "averages_std": part(averages, 1, False),
            "average_labels": self.first.average_labels(),
            "source_language": self.first.source_language,
            "seeds": {name: results.to_json() for name, results in self.per_seed.items()},
        }

    def write(self, json_path: str, **extra: Any) -> list[str]:
        """Writes `json_path` and, beside it, `.csv` and `.md`; returns the three paths."""
        return write_table_files(self, json_path, **extra)


def _percent(mean: float, std: float | None) -> str:
    return f"{100 * mean:.1f}" if std is None else f"{100 * mean:.1f} ± {100 * std:.1f}"
