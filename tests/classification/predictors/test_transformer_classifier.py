import json
from pathlib import Path

import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests import EDGE_CASE_SENTENCES, allennlp_cli
from tests.classification.classification_runs import MLDOC_FIXTURES, XNLI_FIXTURES
from xlt_allennlp.data.errors import DataFormatError


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
) -> None:
    run, _ = xnli_run
    output = tmp_path / "predictions.jsonl"
    source = XNLI_FIXTURES / "xnli.dev.tsv"
    allennlp_cli("predict", str(run / "model.tar.gz"), str(source), "--use-dataset-reader",
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
    mldoc_run: tuple[Path, dict], tmp_path: Path
) -> None:
    run, _ = mldoc_run
    archive = str(run / "model.tar.gz")
    lines = (MLDOC_FIXTURES / "en_test.txt").read_text(encoding="utf-8").splitlines()[:12]
    source = tmp_path / "docs.jsonl"
    texts = [line.split("\t", 1)[1] for line in lines] + ["Gold prices fell"]
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    allennlp_cli("predict", archive, str(source), "--output-file", str(output), "--silent")
    results = read_jsonl(output)
    assert len(results) == len(texts)
    gold = [line.split("\t", 1)[0] for line in lines]
    assert [r["label"] for r in results[:12]] == gold  # in order (and right: the fixture is easy)
    assert list(results[0]["probabilities"]) == ["CCAT", "ECAT", "GCAT", "MCAT"]

    output = tmp_path / "zh.jsonl"
    source = MLDOC_FIXTURES / "zh_test.txt"
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader",
        "--output-file", str(output), "--silent",
    )  # fmt: skip
    results = read_jsonl(output)
    assert [r["line"] for r in results] == list(range(1, 51))
    assert [r["gold_label"] for r in results] == [
        line.split("\t", 1)[0] for line in source.read_text(encoding="utf-8").splitlines()
    ]


def test_prediction_needs_no_gold_label(
    mldoc_run: tuple[Path, dict], xnli_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # MLDoc: text only, an empty label, a label the model does not have; one output per line.
    mldoc = tmp_path / "mldoc.txt"
    mldoc.write_text("Gold prices fell.\n\tShares rose.\nSPORT\tThe team won.\n", "utf-8")
    # XNLI: no label column at all, and a row whose label is "-".
    xnli = tmp_path / "xnli.tsv"
    xnli.write_text("sentence1\tsentence2\nA man sleeps.\tA man rests.\nIt rains.\tIt is dry.\n")
    xnli_dash = tmp_path / "xnli_dash.tsv"
    xnli_dash.write_text("gold_label\tsentence1\tsentence2\n-\tA man sleeps.\tA man rests.\n")
    cases = [(mldoc_run, mldoc, [1, 2, 3]), (xnli_run, xnli, [2, 3]), (xnli_run, xnli_dash, [2])]
    for (run, _), source, lines in cases:
        output = tmp_path / f"{source.stem}.jsonl"
        allennlp_cli("predict", str(run / "model.tar.gz"), str(source), "--use-dataset-reader",
                     "--silent", "--output-file", str(output))  # fmt: skip
        assert [r["line"] for r in read_jsonl(output)] == lines
    mldoc_archive = str(mldoc_run[0] / "model.tar.gz")
    with pytest.raises(DataFormatError, match=rf"{mldoc}:1: expected `LABEL<TAB>document text`"):
        allennlp_cli("evaluate", mldoc_archive, str(mldoc))
    with pytest.raises(DataFormatError, match=rf"{xnli}:1: the header row has no gold_label"):
        allennlp_cli("evaluate", str(xnli_run[0] / "model.tar.gz"), str(xnli))


def test_one_output_per_input_for_edge_cases(
    mldoc_run: tuple[Path, dict], xnli_predictor: Predictor
) -> None:
    # One word, a text the tokenizer turns into nothing (U+200B), right-to-left, CJK, mixed
    # scripts, and a text far longer than the 512 positions of the encoder.
    texts = [" ".join(words) for words in EDGE_CASE_SENTENCES] + ["\u200b", "Wort " * 2000]
    mldoc = Predictor.from_archive(load_archive(str(mldoc_run[0] / "model.tar.gz")))
    results = mldoc.predict_batch_json([{"text": text} for text in texts])
    assert len(results) == len(texts)
    assert all(sum(r["probabilities"].values()) == pytest.approx(1.0) for r in results)
    pairs = [{"premise": text, "hypothesis": texts[-1 - i]} for i, text in enumerate(texts)]
    results = xnli_predictor.predict_batch_json(pairs)
    assert len(results) == len(pairs)
    # In order: each input alone gives what it gave in the batch.
    alone = [xnli_predictor.predict_json(pair)["probabilities"] for pair in pairs[:3]]
    for single, batched in zip(alone, results[:3], strict=False):
        assert single == pytest.approx(batched["probabilities"], abs=1e-5)
