import json
import subprocess
import sys
from pathlib import Path

import conllu
import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests import PROJECT_ROOT, UD_FIXTURES
from xlt_allennlp.data.conllu import read_conllu


def run_predict(archive: Path, input_file: Path, output: Path, *extra: str) -> None:
    command = [
        sys.executable, "-m", "allennlp", "predict", str(archive), str(input_file),
        "--output-file", str(output), "--silent", "--batch-size", "8", *extra,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def assert_only_columns_changed(
    source: Path, output: Path, changed: set[int]
) -> tuple[list, list]:
    """One sentence out per sentence in, in order; on word lines only the `changed` columns
    differ and are filled; every other line is kept as it was. Returns both sentence lists."""
    inputs = list(read_conllu(str(source)))
    outputs = list(read_conllu(str(output)))
    assert len(outputs) == len(inputs)
    for given, predicted in zip(inputs, outputs, strict=True):
        assert len(predicted.lines) == len(given.lines)
        for line_in, line_out in zip(given.lines, predicted.lines, strict=True):
            cols_in, cols_out = line_in.split("\t"), line_out.split("\t")
            if line_in.startswith("#") or not cols_in[0].isdigit():
                assert line_out == line_in  # comments, multiword and empty-node lines kept
                continue
            kept = [i for i in range(len(cols_in)) if i not in changed]
            assert [cols_out[i] for i in kept] == [cols_in[i] for i in kept]
            assert all(cols_out[i] != "_" for i in changed)
    return inputs, outputs


def test_predict_cli_round_trips_conllu(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = pos_run[0] / "model.tar.gz"
    source = UD_FIXTURES / "es_test.conllu"  # has multiword tokens and one very long sentence
    output = tmp_path / "es_pred.conllu"
    run_predict(archive, source, output, "--use-dataset-reader")

    inputs, _ = assert_only_columns_changed(source, output, {3})  # UPOS
    assert max(len(s.words) for s in inputs) >= 300  # longer than the encoder's 128 limit
    # And the result is valid CoNLL-U for an independent parser.
    parsed = conllu.parse(output.read_text(encoding="utf-8"))
    assert len(parsed) == len(inputs)


def test_predict_cli_json_lines(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = pos_run[0] / "model.tar.gz"
    source = tmp_path / "in.jsonl"
    long_words = ["der", "Hund"] * 400
    rows = [{"words": ["the", "dog", "sleeps", "."]}, {"sentence": "a cat"}, {"words": long_words}]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    run_predict(archive, source, output)
    results = [json.loads(line) for line in output.read_text().splitlines()]
    assert [len(r["tags"]) for r in results] == [4, 2, 800]
    assert results[1]["words"] == ["a", "cat"]


def test_predictor_output_formats(pos_run: tuple[Path, dict]) -> None:
    archive = load_archive(str(pos_run[0] / "model.tar.gz"))
    predictor = Predictor.from_archive(archive, extra_args={"output_format": "json"})
    instance = next(
        iter(archive.validation_dataset_reader.read(str(UD_FIXTURES / "en_dev.conllu")))
    )
    line = predictor.dump_line(predictor.predict_instance(instance))
    assert set(json.loads(line)) == {"words", "tags"}
    with pytest.raises(ValueError, match="output_format"):
        Predictor.from_archive(archive, extra_args={"output_format": "xml"})
    with pytest.raises(ValueError, match='needs "words"'):
        Predictor.from_archive(archive).predict_json({"text": "x"})
