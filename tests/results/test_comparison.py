import csv
import json
from pathlib import Path

import matplotlib.image
import pytest
from allennlp.common.checks import ConfigurationError

from tests import allennlp_cli
from xlt_allennlp.results.comparison import compare_results
from xlt_allennlp.results.languages import LanguageResults
from xlt_allennlp.results.seeds import SeedResults

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_results(path: Path, scores: dict[str, float], metric: str = "accuracy") -> str:
    results = LanguageResults({lang: {metric: s} for lang, s in scores.items()}, [metric])
    results.write(str(path))
    return str(path)


@pytest.fixture
def three_strategies(tmp_path: Path) -> list[str]:
    full = write_results(tmp_path / "full.json", {"en": 0.96, "de": 0.80, "ar": 0.50, "zh": 0.60})
    freeze = write_results(
        tmp_path / "freeze3.json", {"en": 0.95, "de": 0.82, "ar": 0.55, "zh": 0.58}
    )
    feature = write_results(tmp_path / "feature.json", {"en": 0.90, "de": 0.70, "zh": 0.40})
    return [full, freeze, feature]


def test_differences_order_and_averages_by_hand(
    three_strategies: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    comparison = compare_results(three_strategies, str(out))
    # Languages by the baseline's score, best first; the average over the targets all sets have
    # (de, zh: ar is missing from "feature"), the baseline's source (en) left out.
    assert comparison.languages == ["en", "de", "zh", "ar"]
    assert comparison.average_languages == ["de", "zh"]
    table = json.loads((out / "comparison.json").read_text())
    assert table["labels"] == ["full", "freeze3", "feature"]
    differences = table["differences"]
    assert differences["freeze3"]["de"] == pytest.approx(0.02)
    assert differences["freeze3"]["ar"] == pytest.approx(0.05)
    assert differences["feature"]["zh"] == pytest.approx(-0.20)
    assert differences["feature"]["ar"] is None
    label = "avg zero-shot (2 languages)"
    assert table["scores"]["full"][label] == pytest.approx(0.70)  # (0.80 + 0.60) / 2
    assert differences["freeze3"][label] == pytest.approx(0.0)  # (0.82 + 0.58) / 2 - 0.70
    assert differences["feature"][label] == pytest.approx(-0.15)  # (0.70 + 0.40) / 2 - 0.70
    assert table["missing"] == {"freeze3": [], "feature": ["ar"]}
    markdown = (out / "comparison.md").read_text()
    assert "| de | 80.0 | +2.0 | -10.0 |" in markdown
    assert "| ar | 50.0 | +5.0 | - |" in markdown
    assert "not in feature: ar" in markdown
    rows = list(csv.reader((out / "comparison.csv").open()))
    assert rows[0] == [
        "language",
        "full",
        "freeze3",
        "feature",
        "freeze3_minus_full",
        "feature_minus_full",
    ]
    assert rows[4][0] == "ar" and rows[4][3] == "" and float(rows[4][4]) == pytest.approx(0.05)
    for figure in ("heatmap.png", "scores.png"):
        assert (out / figure).read_bytes()[:8] == PNG_MAGIC
    # Readable, of the size drawn: 5 x 3.4 inches at 150 dpi (2 strategies, 5 rows).
    image = matplotlib.image.imread(str(out / "heatmap.png"))
    assert image.shape[:2] == (510, 750)


def test_command_line_labels_metric_and_seed_means(tmp_path: Path) -> None:
    base = LanguageResults(
        {"en": {"LAS": 0.7, "UAS": 0.8}, "de": {"LAS": 0.5, "UAS": 0.6}}, ["UAS", "LAS"]
    )
    (tmp_path / "a").mkdir()
    base.write(str(tmp_path / "a" / "languages.json"))
    seeds = SeedResults(
        {
            "seed=1": LanguageResults({"en": {"LAS": 0.72}, "de": {"LAS": 0.40}}, ["LAS"]),
            "seed=2": LanguageResults({"en": {"LAS": 0.74}, "de": {"LAS": 0.50}}, ["LAS"]),
        }
    )
    (tmp_path / "b").mkdir()
    seeds.write(str(tmp_path / "b" / "languages.json"))
    files = [str(tmp_path / "a" / "languages.json"), str(tmp_path / "b" / "languages.json")]
    out = tmp_path / "out"
    allennlp_cli("compare-results", *files, "--metric", "LAS", "--output-dir", str(out))
    table = json.loads((out / "comparison.json").read_text())
    assert table["labels"] == ["a", "b"]  # same file names: the directories name them
    assert table["metric"] == "LAS"
    assert table["differences"]["b"]["de"] == pytest.approx(-0.05)  # mean 0.45 - 0.5
    assert table["differences"]["b"]["en"] == pytest.approx(0.03)
    allennlp_cli(
        "compare-results",
        *files,
        "--labels",
        "base,seeds",
        "--metric",
        "LAS",
        "--output-dir",
        str(out),
    )
    assert json.loads((out / "comparison.json").read_text())["labels"] == ["base", "seeds"]


def test_bad_inputs_say_which_file(three_strategies: list[str], tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    with pytest.raises(ConfigurationError, match="missing.json: no such result file"):
        compare_results([three_strategies[0], str(tmp_path / "missing.json")], out)
    bad = tmp_path / "bad.json"
    bad.write_text('{"accuracy": 0.5}')
    with pytest.raises(ConfigurationError, match="bad.json: expected the JSON of"):
        compare_results([three_strategies[0], str(bad)], out)
    with pytest.raises(ConfigurationError, match="freeze3.json: no metric 'UAS'; it has accuracy"):
        compare_results(three_strategies[1:], out, metric="UAS")
    with pytest.raises(ConfigurationError, match="2 labels for 3 result files"):
        compare_results(three_strategies, out, labels=["a", "b"])
    with pytest.raises(ConfigurationError, match="labels must differ"):
        compare_results(three_strategies[:2], out, labels=["a", "a"])
    with pytest.raises(ConfigurationError, match="at least one other"):
        compare_results(three_strategies[:1], out)
