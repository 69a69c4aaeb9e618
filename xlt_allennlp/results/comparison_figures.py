"""The figures of `compare-results`: a heatmap of differences and a bar chart of scores.

matplotlib is imported inside the functions (`common.plotting.pyplot`).
"""

import math

from xlt_allennlp.common.plotting import pyplot
from xlt_allennlp.results.comparison import Comparison


def difference_heatmap(comparison: Comparison, path: str) -> None:
    """Languages (rows, by the baseline's score) x result sets (columns): each set's score minus
    the baseline's in points, on a diverging colormap centred at 0, values in the cells; a
    language a set lacks is grey."""
    plt = pyplot()
    rows, others = comparison.rows(), comparison.others
    values = [[_points(comparison.difference(other, row)) for other in others] for row in rows]
    finite = [abs(v) for line in values for v in line if not math.isnan(v)]
    limit = max(finite, default=1.0) or 1.0
    figure, axes = plt.subplots(
        figsize=(max(5.0, 2.5 + 1.1 * len(others)), max(3.0, 1.5 + 0.38 * len(rows))),
        layout="constrained",
    )
    colormap = plt.get_cmap("RdBu").with_extremes(bad="lightgrey")
    image = axes.imshow(values, cmap=colormap, vmin=-limit, vmax=limit, aspect="auto")
    for i, line in enumerate(values):
        for j, value in enumerate(line):
            text = "-" if math.isnan(value) else f"{value:+.1f}"
            dark = not math.isnan(value) and abs(value) > 0.6 * limit
            axes.text(j, i, text, ha="center", va="center", color="white" if dark else "black")
    axes.set_xticks(range(len(others)), [other.label for other in others])
    axes.set_yticks(range(len(rows)), rows)
    axes.set_title(f"{comparison.metric}: difference from {comparison.baseline.label} (points)")
    figure.colorbar(image, ax=axes, shrink=0.8)
    figure.savefig(path, dpi=150)
    plt.close(figure)


def score_bars(comparison: Comparison, path: str) -> None:
    """Per language (in the heatmap's order), one bar per result set: absolute scores (points)."""
    plt = pyplot()
    rows, result_sets = comparison.rows(), comparison.result_sets
    width = 0.8 / len(result_sets)
    figure, axes = plt.subplots(
        figsize=(max(5.0, 2.0 + 0.25 * len(rows) * len(result_sets)), 4.0), layout="constrained"
    )
    for k, result in enumerate(result_sets):
        heights = [_points(comparison.score(result, row)) for row in rows]
        positions = [i - 0.4 + width * (k + 0.5) for i in range(len(rows))]
        axes.bar(positions, heights, width=width, label=result.label)
    axes.set_xticks(range(len(rows)), rows, rotation=45, ha="right")
    axes.set_ylabel(f"{comparison.metric} (points)")
    axes.legend(fontsize="small")
    figure.savefig(path, dpi=150)
    plt.close(figure)


def _points(value: "float | None") -> float:
    return math.nan if value is None else 100 * value
