from xlt_allennlp.grid.evaluation import selection_report
from xlt_allennlp.grid.points import grid_points
from xlt_allennlp.grid.selection import Objective, PointResult, select
from xlt_allennlp.results.languages import LanguageResults


def table(uas: float, las: float) -> LanguageResults:
    return LanguageResults({"de": {"UAS": uas, "LAS": las}}, ["UAS", "LAS"])


def test_the_report_and_its_soup_column_use_the_validation_metric() -> None:
    # A parser grid (validated on LAS; its tables list UAS first): two settings, one seed each,
    # and one soup per seed. Every column is LAS, the soups' mean included.
    points = grid_points({"lr": [1e-3, 2e-3]}, seeds=[1, 2])
    dev = [0.50, 0.40, 0.30, 0.20]
    results = [
        PointResult(p, f"/grid/{p.name}", "done", dev_score=d)
        for p, d in zip(points, dev, strict=True)
    ]
    objective = Objective.parse("+LAS")
    selection = select(results, objective)
    assert selection is not None and selection.settings == {"lr": 1e-3}
    per_point = {
        p.name: table(0.9, las) for p, las in zip(points, [0.4, 0.5, 0.7, 0.8], strict=True)
    }
    soups = [table(0.9, 0.60), table(0.9, 0.64)]
    report = selection_report(results, selection, objective, per_point, {}, soups, "en")
    assert report.metric == "LAS"
    (row,) = report.rows()
    assert row["selected"] == 0.45 and row["oracle"] == 0.75  # means over the two seeds
    assert row["soup"] == 0.62
