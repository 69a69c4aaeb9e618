import json
import sys
from pathlib import Path

import pytest
from allennlp.commands import main
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests.classification.classification_runs import MLDOC_FIXTURES, XNLI_FIXTURES


def run_allennlp(monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """Runs an `allennlp` command in this process (as `python -m allennlp` does)."""
    monkeypatch.setattr(sys, "argv", ["allennlp", *args])
    main(prog="allennlp")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def xnli_predictor(xnli_run: tuple[Path, dict]) -> Predictor:
    run, _ = xnli_run
    return Predictor.from_archive(load_archive(str(run / "model.tar.gz")))


def test_model_default_predictor(xnli_predictor: Predictor) -> None:
    assert type(xnli_predictor).__name__ == "TransformerClassifierPredictor"


def test_json_lines_one_output_per_input_in_order(xnli_predictor: Predictor) -> None:
    premise = "The cook cleaned the office yesterday."
    hypotheses = [
        "The cook cleaned the office.",
        "The cook did not clean the office.",
        "The cook will watch a film tomorrow.",
    ]
    inputs = [{"premise": premise, "hypothesis": hypothesis} for hypothesis in hypotheses]
    german = "Der Lehrer hat gestern das Museum besucht."
    inputs = (
        inputs + [{"premise": german, "hypothesis": "Der Lehrer hat das Museum besucht."}]
    ) * 3
    outputs = xnli_predictor.predict_batch_json(inputs)
    assert len(outputs) == len(inputs)
    one_by_one = [xnli_predictor.predict_json(item) for item in inputs]
    assert [o["label"] for o in outputs] == [o["label"] for o in one_by_one]
    assert [o["label"] for o in outputs[:3]] == ["entailment", "contradiction", "neutral"]
    for output in outputs:
        assert set(output) == {"label", "probabilities"}
        assert list(output["probabilities"]) == ["entailment", "neutral", "contradiction"]
        assert sum(output["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert max(output["probabilities"], key=output["probabilities"].get) == output["label"]


def test_json_input_with_the_wrong_keys_is_refused(xnli_predictor: Predictor) -> None:
    with pytest.raises(ValueError, match=r"needs the string key\(s\) \['premise', 'hypothesis'\]"):
        xnli_predictor.predict_json({"text": "A document."})


def test_predict_cli_on_an_xnli_file(
    xnli_predictor: Predictor,
    xnli_run: tuple[Path, dict],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run, _ = xnli_run
    output = tmp_path / "predictions.jsonl"
    source = XNLI_FIXTURES / "xnli.dev.tsv"
    run_allennlp(
        monkeypatch, "predict", str(run / "model.tar.gz"), str(source), "--use-dataset-reader",
        "--output-file", str(output), "--silent", "--batch-size", "16",
    )  # fmt: skip
    rows = source.read_text(encoding="utf-8").splitlines()[1:]
    results = read_jsonl(output)
    assert len(results) == len(rows)
    assert [r["line"] for r in results] == list(range(2, len(rows) + 2))  # in input order
    for row, result in zip(rows, results, strict=True):
        fields = row.split("\t")
        assert (result["language"], result["gold_label"], result["pair_id"]) == (
            fields[0],
            fields[1],
            fields[9],
        )
    english = [r for r in results if r["language"] == "en"]
    assert sum(r["label"] == r["gold_label"] for r in english) >= 0.9 * len(english)


def test_predict_cli_on_mldoc_json_lines_and_file(
    mldoc_run: tuple[Path, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, _ = mldoc_run
    archive = str(run / "model.tar.gz")
    lines = (MLDOC_FIXTURES / "en_test.txt").read_text(encoding="utf-8").splitlines()[:12]
    source = tmp_path / "docs.jsonl"
    texts = [line.split("\t", 1)[1] for line in lines] + ["Gold prices fell"]
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    run_allennlp(
        monkeypatch, "predict", archive, str(source), "--output-file", str(output), "--silent"
    )
    results = read_jsonl(output)
    assert len(results) == len(texts)
    gold = [line.split("\t", 1)[0] for line in lines]
    assert [r["label"] for r in results[:12]] == gold  # in order (and right: the fixture is easy)
    assert list(results[0]["probabilities"]) == ["CCAT", "ECAT", "GCAT", "MCAT"]

    output = tmp_path / "zh.jsonl"
    source = MLDOC_FIXTURES / "zh_test.txt"
    run_allennlp(
        monkeypatch, "predict", archive, str(source), "--use-dataset-reader",
        "--output-file", str(output), "--silent",
    )  # fmt: skip
    results = read_jsonl(output)
    assert [r["line"] for r in results] == list(range(1, 51))
    assert [r["gold_label"] for r in results] == [
        line.split("\t", 1)[0] for line in source.read_text(encoding="utf-8").splitlines()
    ]
