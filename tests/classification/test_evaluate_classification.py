"""`allennlp evaluate` and `evaluate-languages` on MLDoc and XNLI archives (zero-shot)."""

import json
from pathlib import Path

import pytest

from tests import allennlp_cli
from tests.classification.classification_runs import (
    MLDOC_FIXTURES,
    MLDOC_LANGUAGES,
    XNLI_FIXTURES,
    XNLI_LANGUAGES,
)
from xlt_allennlp.evaluation.languages import evaluate_languages


def test_evaluate_mldoc_archive_on_another_language(
    mldoc_run: tuple[Path, dict], tmp_path: Path
) -> None:
    run, _ = mldoc_run
    output = tmp_path / "de.json"
    allennlp_cli("evaluate", str(run / "model.tar.gz"), str(MLDOC_FIXTURES / "de_test.txt"),
        "--output-file", str(output),
    )  # fmt: skip
    metrics = json.loads(output.read_text())
    assert 0.0 <= metrics["accuracy"] <= 1.0
    assert {"f1-CCAT", "f1-ECAT", "f1-GCAT", "f1-MCAT", "loss"} <= set(metrics)


def test_evaluate_xnli_archive_on_one_language_of_the_file(
    xnli_run: tuple[Path, dict], tmp_path: Path
) -> None:
    run, _ = xnli_run
    archive, source = str(run / "model.tar.gz"), str(XNLI_FIXTURES / "xnli.test.tsv")
    scores = {}
    for languages in (["en"], ["de"], None):
        output = tmp_path / f"{languages}.json"
        allennlp_cli("evaluate", archive, source, "--output-file", str(output),
            "-o", json.dumps({"validation_dataset_reader.languages": languages}),
        )  # fmt: skip
        scores[str(languages)] = json.loads(output.read_text())["accuracy"]
    assert scores["['en']"] >= 0.95
    assert scores["['en']"] != scores["['de']"] != scores["None"]


def test_evaluate_languages_one_row_per_language_of_one_xnli_file(
    xnli_run: tuple[Path, dict], capsys: pytest.CaptureFixture
) -> None:
    run, _ = xnli_run
    path = XNLI_FIXTURES / "xnli.test.tsv"
    results = evaluate_languages(
        str(run / "model.tar.gz"), [f"{language}={path}" for language in XNLI_LANGUAGES]
    ).scores
    assert list(results) == ["en", *sorted(set(XNLI_LANGUAGES) - {"en"})]
    assert results["en"]["accuracy"] >= 0.95
    # Each row is its language's 30 pairs: the rows differ (they would all be equal otherwise).
    assert len({values["accuracy"] for values in results.values()}) > 2
    table = capsys.readouterr().out
    assert "| hi |" in table and "| avg zero-shot (7 languages, without en) |" in table
    # Without LANG= the whole file is one row, named after the file.
    whole = evaluate_languages(str(run / "model.tar.gz"), [str(path)])
    assert list(whole.scores) == ["xnli.test"]


def test_evaluate_languages_on_mldoc_files(mldoc_run: tuple[Path, dict]) -> None:
    run, _ = mldoc_run
    results = evaluate_languages(
        str(run / "model.tar.gz"),
        [str(MLDOC_FIXTURES / "*_test.txt")],
        metrics=["accuracy", "f1-CCAT"],
    ).scores
    assert sorted(results) == sorted(MLDOC_LANGUAGES)
    assert results["en"]["accuracy"] >= 0.95
