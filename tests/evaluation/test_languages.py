import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import PROJECT_ROOT, UD_FIXTURES, allennlp_cli
from xlt_allennlp.evaluation.languages import evaluate_languages, language_of, parse_inputs
from xlt_allennlp.results.languages import LanguageResults


def test_language_of_file_names() -> None:
    assert language_of("data/de_test.conllu") == "de"
    assert language_of("UD/de_gsd-ud-test.conllu") == "de"
    assert language_of("zh-hans_test.conllu") == "zh-hans"
    assert language_of("test.conllu") == "test"


def test_parse_inputs(tmp_path: Path) -> None:
    for name in ["de_test.conllu", "es_test.conllu"]:
        (tmp_path / name).write_text("x")
    pairs = parse_inputs([str(tmp_path / "*_test.conllu"), f"nl={tmp_path / 'de_test.conllu'}"])
    assert [language for language, _ in pairs] == ["de", "es", "nl"]
    # A missing file is kept (its evaluation fails and is reported with the others).
    assert parse_inputs([str(tmp_path / "fr_test.conllu")]) == [
        ("fr", str(tmp_path / "fr_test.conllu"))
    ]
    with pytest.raises(FileNotFoundError, match="no file matches"):
        parse_inputs([str(tmp_path / "x*_test.conllu")])
    with pytest.raises(ValueError, match="given twice"):
        parse_inputs([str(tmp_path / "de_test.conllu"), str(tmp_path / "de_test.conllu")])


def test_averages_and_the_three_formats_agree(tmp_path: Path) -> None:
    scores = {
        "en": {"accuracy": 0.9, "loss": 0.1},
        "de": {"accuracy": 0.5, "loss": 0.7},
        "es": {"accuracy": 0.7, "loss": 0.4},
    }
    results = LanguageResults(scores, ["accuracy"], "en", errors={"fr": "fr_test.conllu: gone"})
    averages = results.averages()
    assert averages["zero-shot"]["accuracy"] == pytest.approx((0.5 + 0.7) / 2)
    assert averages["all"]["accuracy"] == pytest.approx((0.9 + 0.5 + 0.7) / 3)
    assert results.markdown().splitlines() == [
        "| language | accuracy |",
        "|---|---|",
        "| en | 90.0 |",
        "| de | 50.0 |",
        "| es | 70.0 |",
        "| avg zero-shot (2 languages, without en) | 60.0 |",
        "| avg all (3 languages) | 70.0 |",
        "",
        "not evaluated: fr: fr_test.conllu: gone",
    ]
    json_path, csv_path, md_path = results.write(str(tmp_path / "table.json"), archive="a.tgz")
    written = json.loads(Path(json_path).read_text())
    assert written["metrics"] == {"accuracy": {"en": 0.9, "de": 0.5, "es": 0.7}}
    assert written["averages"]["zero-shot"]["accuracy"] == pytest.approx(0.6)
    assert written["errors"] == {"fr": "fr_test.conllu: gone"} and written["archive"] == "a.tgz"
    rows = list(csv.reader(Path(csv_path).read_text().splitlines()))
    assert rows[0] == ["language", "accuracy"]
    from_csv = {name: float(value) for name, value in rows[1:]}
    from_json = {**written["metrics"]["accuracy"]}
    for name, values in written["averages"].items():
        from_json[written["average_labels"][name]] = values["accuracy"]
    assert from_csv == pytest.approx(from_json)
    assert Path(md_path).read_text() == results.markdown() + "\n"


def test_cli_table_files_and_a_missing_language(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = pos_run[0] / "model.tar.gz"
    output = tmp_path / "not-yet" / "metrics.json"  # the directory is created
    command = [
        sys.executable, "-m", "allennlp", "evaluate-languages", str(archive),
        str(UD_FIXTURES / "[a-q]*_test.conllu"), f"ru={UD_FIXTURES / 'ru_test.conllu'}",
        str(UD_FIXTURES / "zh_test.conllu"), f"nl={tmp_path / 'nl_test.conllu'}",
        "--output-file", str(output),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    # nl's file is missing: every other language is evaluated and written, then exit 1.
    assert result.returncode == 1, result.stderr[-3000:]
    assert "1 of 9 languages could not be evaluated (nl:" in result.stderr
    assert "| language | accuracy |" in result.stdout
    languages = ["en", "ar", "de", "es", "fr", "hi", "ru", "zh"]  # source first, then sorted
    rows = [line.split(" | ")[0].lstrip("| ") for line in result.stdout.splitlines()]
    assert [row for row in rows if row in languages] == languages
    assert "| avg zero-shot (7 languages, without en) |" in result.stdout
    written = json.loads(output.read_text())
    assert list(written["results"]) == languages
    assert written["results"]["en"]["accuracy"] >= 0.9
    assert "nl" in written["errors"]
    assert (output.parent / "metrics.csv").exists() and (output.parent / "metrics.md").exists()


def test_same_numbers_as_separate_evaluate_calls(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = str(pos_run[0] / "model.tar.gz")
    files = [UD_FIXTURES / f"{language}_test.conllu" for language in ("de", "es", "zh")]
    together = evaluate_languages(archive, [str(path) for path in files])
    for path in files:
        metrics_file = tmp_path / f"{path.stem}.json"
        allennlp_cli("evaluate", archive, str(path), "--output-file", str(metrics_file))
        alone = json.loads(metrics_file.read_text())
        language = path.name.split("_")[0]
        for name in ("accuracy", "loss"):
            assert together.scores[language][name] == pytest.approx(alone[name], abs=1e-9)


def test_predictions_dir_writes_what_predict_writes_in_the_same_pass(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = str(pos_run[0] / "model.tar.gz")
    files = [UD_FIXTURES / f"{language}_test.conllu" for language in ("de", "zh")]
    plain = evaluate_languages(archive, [str(path) for path in files])
    directory = tmp_path / "predictions"
    inputs = [str(files[0]), f"xx={files[1]}"]  # a language its file is not named by
    with_predictions = evaluate_languages(archive, inputs, predictions_dir=str(directory))
    assert with_predictions.scores["de"]["accuracy"] == plain.scores["de"]["accuracy"]
    assert with_predictions.scores["xx"]["accuracy"] == plain.scores["zh"]["accuracy"]
    assert sorted(path.name for path in directory.iterdir()) == [
        "de_test.conllu",
        "xx.zh_test.conllu",
    ]
    for path, written in zip(files, sorted(directory.iterdir()), strict=True):
        expected = tmp_path / f"predict-{path.name}"
        allennlp_cli(
            "predict", archive, str(path), "--use-dataset-reader", "--silent",
            "--output-file", str(expected),
        )  # fmt: skip
        assert written.read_text() == expected.read_text()
