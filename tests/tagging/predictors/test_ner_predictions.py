import json
from pathlib import Path

import pytest

from tests import NER_FIXTURES, allennlp_cli
from xlt_allennlp.data.errors import DataFormatError


def test_predict_appends_a_tag_column_line_by_line(
    ner_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    source = NER_FIXTURES / "nl_test.conll"
    output = tmp_path / "nl.pred"
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
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
        allennlp_cli("evaluate", archive, str(NER_FIXTURES / f"{language}_test.conll"),
                 "--output-file", str(metrics_file), "-o", json.dumps(overrides))  # fmt: skip
        metrics = json.loads(metrics_file.read_text())
        assert 0.0 <= metrics["f1-measure-overall"] <= 1.0
        assert "precision-overall" in metrics and "recall-overall" in metrics


def test_raw_json_input(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"sentence": "Angela Merkel visited Paris ."}) + "\n")
    output = tmp_path / "out.jsonl"
    allennlp_cli("predict", archive, str(source), "--silent", "--output-file", str(output))
    (result,) = [json.loads(line) for line in output.read_text().splitlines()]
    assert result["words"] == ["Angela", "Merkel", "visited", "Paris", "."]
    assert len(result["tags"]) == 5


def test_prediction_needs_no_tag_column(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    words_only = tmp_path / "words.conll"
    words_only.write_text("-DOCSTART-\n\nAngela\nMerkel\nvisited\nParis\n\nHallo\n", "utf-8")
    other_tags = tmp_path / "other.conll"  # a tag set the model does not have
    other_tags.write_text("Angela B-PERSON\nMerkel I-PERSON\n\nBerlin S-GPE\n", "utf-8")
    for source, sentences in [(words_only, [4, 1]), (other_tags, [2, 1])]:
        output = tmp_path / f"{source.stem}.pred"
        allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                     "--output-file", str(output))  # fmt: skip
        blocks = output.read_text(encoding="utf-8").strip("\n").split("\n\n")
        blocks = [b for b in blocks if not b.startswith("-DOCSTART-")]
        assert [len(block.split("\n")) for block in blocks] == sentences
        lines_in = [x for x in source.read_text("utf-8").split("\n") if x and x[0] != "-"]
        lines_out = [x for x in output.read_text("utf-8").split("\n") if x and x[0] != "-"]
        assert [line.rsplit(" ", 1)[0] for line in lines_out] == lines_in
    # Evaluation needs the tags and says so.
    with pytest.raises(DataFormatError, match=rf"{words_only}:3: expected a word and an NER tag"):
        allennlp_cli("evaluate", archive, str(words_only))
    with pytest.raises(DataFormatError, match=rf"{other_tags}:1: NER tag 'B-PERSON'"):
        allennlp_cli("evaluate", archive, str(other_tags))
