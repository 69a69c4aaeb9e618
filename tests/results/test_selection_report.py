import json
from pathlib import Path

import pytest

from xlt_allennlp.results.selection_report import SelectionReport, SettingsScores, spearman


def report() -> SelectionReport:
    # Four settings; the source dev scores rank them A > B > C > D. On de the target scores
    # rank them exactly the other way (rho = -1); es has a target dev file whose best is C.
    settings = [
        SettingsScores("A", 0.90, {"de": 0.40, "es": 0.70, "en": 0.95}, {"es": 0.60}),
        SettingsScores("B", 0.85, {"de": 0.50, "es": 0.60, "en": 0.94}, {"es": 0.62}),
        SettingsScores("C", 0.80, {"de": 0.60, "es": 0.65, "en": 0.93}, {"es": 0.70}),
        SettingsScores("D", 0.75, {"de": 0.70, "es": 0.50, "en": 0.92}, {"es": 0.55}),
    ]
    return SelectionReport("accuracy", settings, "A", "en", soup={"de": 0.55, "es": 0.68})


def test_rows_by_hand() -> None:
    rows = {row["language"]: row for row in report().rows()}
    assert list(rows) == ["de", "es", "en"]  # targets first, the source language last
    de = rows["de"]
    assert de["selected"] == 0.40 and de["oracle"] == 0.70 and de["oracle_settings"] == "D"
    assert de["oracle_kind"].startswith("upper bound")  # no target dev file for de
    assert de["gap"] == pytest.approx(0.30)
    assert de["grid_mean"] == pytest.approx(0.55)
    assert de["grid_std"] == pytest.approx(0.1290994449)  # sample std of .4 .5 .6 .7
    assert (de["grid_min"], de["grid_max"]) == (0.40, 0.70)
    assert de["spearman"] == pytest.approx(-1.0)
    assert de["soup"] == 0.55
    es = rows["es"]
    # The oracle is the settings best on es's dev file (C, 0.70), scored on the test file.
    assert es["oracle_kind"] == "target dev" and es["oracle_settings"] == "C"
    assert es["oracle"] == 0.65 and es["gap"] == pytest.approx(-0.05)
    # dev ranks A B C D = 1 2 3 4 (descending); es test ranks 1 3 2 4: rho = 1 - 6*2/(4*15).
    assert es["spearman"] == pytest.approx(0.8)


def test_selection_is_the_given_one_whatever_the_targets_say() -> None:
    # The report never re-selects: the source-dev choice (A) is reported although every
    # target score prefers another settings.
    rows = report().rows()
    assert all(row["selected"] == report().settings[0].test[row["language"]] for row in rows)


def test_spearman_is_undefined_for_few_or_constant_scores() -> None:
    assert spearman([1, 2], [2, 1]) == (None, None)
    assert spearman([1, 2, 3], [5, 5, 5]) == (None, None)
    rho, p = spearman([1, 2, 3, 4], [1, 2, 3, 4])
    assert rho == pytest.approx(1.0) and p is not None


def test_written_files(tmp_path: Path) -> None:
    paths = report().write(str(tmp_path / "selection.json"))
    assert [Path(p).name for p in paths] == [
        "selection.json", "selection.csv", "selection.md", "selection.png",
    ]  # fmt: skip
    written = json.loads(Path(paths[0]).read_text())
    assert written["selected"] == "A" and len(written["rows"]) == 3
    markdown = Path(paths[2]).read_text()
    assert "| de | 40.0 | 70.0* | 30.0 | 55.0 ± 12.9 | 40.0-70.0 | -1.00 | 55.0 |" in markdown
    assert "| es | 70.0 | 65.0 | -5.0 |" in markdown
    assert Path(paths[1]).read_text().splitlines()[0].startswith("language,selected,oracle,")
    assert Path(paths[3]).read_bytes()[:4] == b"\x89PNG"
