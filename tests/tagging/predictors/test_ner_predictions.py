import json
import sys
from pathlib import Path

import pytest
from allennlp.commands import main

from tests import NER_FIXTURES


def allennlp(*args: str) -> None:
    """Runs an `allennlp` command in this process, as `python -m allennlp` would (the real CLI
    with plugin discovery is exercised by tests/tagging/predictors/test_first_subword_tagger.py and
    tests/commands/test_evaluate_languages.py; a new interpreter costs ~15 s of imports)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["allennlp", *args])
        main(prog="allennlp")


def test_predict_appends_a_tag_column_line_by_line(
    ner_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    source = NER_FIXTURES / "nl_test.conll"
    output = tmp_path / "nl.pred"
    allennlp("predict", archive, str(source), "--use-dataset-reader", "--silent",
             "--output-file", str(output))  # fmt: skip
    lines_in = source.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines_out = output.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert len(lines_out) == len(lines_in)  # one line per input line, in order
    for line_in, line_out in zip(lines_in, lines_out, strict=True):
        if not line_in.strip() or line_in.startswith("-DOCSTART-"):
            assert line_out == line_in
        else:
            assert line_out.rsplit(" ", 1)[0] == line_in
            tag = line_out.rsplit(" ", 1)[1]
            assert tag == "O" or tag[:2] in ("B-", "I-")


def test_evaluate_on_other_languages(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    for language, overrides in [
        ("es", {}),
        ("nl", {}),
        ("de", {"validation_dataset_reader.encoding": "latin-1"}),
        ("zh", {"validation_dataset_reader.type": "chinese_ner"}),
    ]:
        metrics_file = tmp_path / f"{language}.json"
        allennlp("evaluate", archive, str(NER_FIXTURES / f"{language}_test.conll"),
                 "--output-file", str(metrics_file), "-o", json.dumps(overrides))  # fmt: skip
        metrics = json.loads(metrics_file.read_text())
        assert 0.0 <= metrics["f1-measure-overall"] <= 1.0
        assert "precision-overall" in metrics and "recall-overall" in metrics


def test_raw_json_input(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"sentence": "Angela Merkel visited Paris ."}) + "\n")
    output = tmp_path / "out.jsonl"
    allennlp("predict", archive, str(source), "--silent", "--output-file", str(output))
    (result,) = [json.loads(line) for line in output.read_text().splitlines()]
    assert result["words"] == ["Angela", "Merkel", "visited", "Paris", "."]
    assert len(result["tags"]) == 5
