"""Figure 3 of Wu & Dredze (2019): zero-shot score against subword overlap, one panel per
measure, with the least-squares line and Pearson r / p in the legend."""

from xlt_allennlp.analysis.overlap_measures import MEASURES, OverlapReport
from xlt_allennlp.common.plotting import pyplot

_TITLES = {"p_type": "type-level overlap p_type (%)", "p_token": "token-level overlap p_token (%)"}


def plot_overlap_scatter(report: OverlapReport, path: str) -> str:
    """Writes the scatter PNG of `report` (which has scores) to `path`; returns `path`."""
    plt = pyplot()
    import numpy as np

    languages = report.correlated_languages()
    ys = np.array([100 * report.scores[lang] for lang in languages])
    correlations = report.correlations()
    figure, axes = plt.subplots(1, len(MEASURES), figsize=(10, 4.2), sharey=True)
    for axis, measure in zip(axes, MEASURES, strict=True):
        xs = np.array([getattr(report.overlaps[lang], measure) for lang in languages])
        axis.scatter(xs, ys, color="tab:blue", zorder=3)
        for x, y, lang in zip(xs, ys, languages, strict=True):
            axis.annotate(lang, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=9)
        values = correlations[measure]
        if values["pearson_r"] is not None:
            slope, intercept = np.polyfit(xs, ys, 1)
            line_x = np.linspace(xs.min(), xs.max(), 2)
            label = f"r = {values['pearson_r']:.2f}, p = {values['pearson_p']:.3g}"
            axis.plot(line_x, slope * line_x + intercept, color="tab:red", label=label)
            axis.legend(loc="lower right", labelcolor="tab:red")
        axis.set_xlabel(_TITLES[measure])
        axis.grid(alpha=0.3)
        axis.margins(x=0.12, y=0.08)
    axes[0].set_ylabel(f"zero-shot {report.metric} (%)")
    figure.suptitle(f"Subword overlap with the {report.source_language} training data")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
