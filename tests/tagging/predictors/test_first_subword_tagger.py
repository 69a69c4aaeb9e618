import json
import re
import subprocess
import sys
from pathlib import Path

import conllu
import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests import EDGE_CASE_SENTENCES, PROJECT_ROOT, UD_FIXTURES, allennlp_cli
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.errors import DataFormatError, JsonInputError
from xlt_allennlp.data.labels import UPOS_TAGS


def run_predict(archive: Path, input_file: Path, output: Path, *extra: str) -> None:
    command = [
        sys.executable, "-m", "allennlp", "predict", str(archive), str(input_file),
        "--output-file", str(output), "--silent", "--batch-size", "8", *extra,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def assert_only_columns_changed(source: Path, output: Path, changed: set[int]) -> tuple[list, list]:
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
    # non-ASCII words are written as they are, as in every other output of the package
    assert '"Straße"' in predictor.dump_line(predictor.predict_json({"words": ["Straße"]}))
    with pytest.raises(ValueError, match="output_format"):
        Predictor.from_archive(archive, extra_args={"output_format": "xml"})
    with pytest.raises(ValueError, match='needs "words"'):
        Predictor.from_archive(archive).predict_json({"txt": "x"})


# A treebank as a new user may have one: Google universal tags (PRT, CONJ, ".") in the UPOS
# column, a `_` among filled tags, a tag no model knows, a partial tree, a multiword token.
FOREIGN_GOLD_CONLLU = """\
# sent_id = 1
# text = Ali de geldi.
1\tAli\tAli\tNOUN\t_\t_\t3\tnsubj\t_\t_
2\tde\tde\tPRT\t_\t_\t_\t_\t_\t_
3\tgeldi\tgel\tVERB\t_\t_\t0\troot\t_\t_
4\t.\t.\t.\t_\t_\t3\tpunct\t_\t_

# sent_id = 2
1-2\tEvdeki\t_\t_\t_\t_\t_\t_\t_\t_
1\tEv\tev\tNOUN\t_\t_\t3\tSBJ\t_\t_
2\tdeki\tki\t_\t_\t_\t1\tcompound\t_\t_
3\tkedi\tkedi\tCONJ\t_\t_\t0\troot\t_\t_
4\tve\tve\tFOO\t_\t_\t3\tcc\t_\t_

"""


def write_foreign_gold(tmp_path: Path) -> Path:
    source = tmp_path / "tr_test.conllu"
    source.write_text(FOREIGN_GOLD_CONLLU, encoding="utf-8")
    return source


def test_prediction_never_needs_valid_gold_tags(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(pos_run[0] / "model.tar.gz")
    source = write_foreign_gold(tmp_path)
    output = tmp_path / "tr_pred.conllu"
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                 "--output-file", str(output))  # fmt: skip
    inputs, outputs = assert_only_columns_changed(source, output, {3})  # UPOS
    assert [len(s.words) for s in outputs] == [4, 4]
    assert all(word.upos in UPOS_TAGS for s in outputs for word in s.words)
    # Evaluation still validates gold and says where it is wrong.
    with pytest.raises(DataFormatError, match=rf"{source}:4: UPOS is 'PRT'"):
        allennlp_cli("evaluate", archive, str(source))


def test_one_output_per_input_for_edge_cases(pos_run: tuple[Path, dict]) -> None:
    predictor = Predictor.from_archive(load_archive(str(pos_run[0] / "model.tar.gz")))
    inputs = [{"words": words} for words in EDGE_CASE_SENTENCES]
    results = predictor.predict_batch_json(inputs)
    assert [r["words"] for r in results] == EDGE_CASE_SENTENCES
    assert [len(r["tags"]) for r in results] == [len(w) for w in EDGE_CASE_SENTENCES]
    # One at a time gives the same as in a batch (padding changes nothing).
    assert [predictor.predict_json(row)["tags"] for row in inputs] == [r["tags"] for r in results]


def test_archive_loads_from_another_directory(
    pos_run: tuple[Path, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Trained with the relative encoder path fixtures/encoders/tiny-mbert: the archive names it
    # by its absolute path, so it loads from anywhere.
    monkeypatch.chdir(tmp_path)
    archive = str(pos_run[0] / "model.tar.gz")
    allennlp_cli("predict", archive, str(UD_FIXTURES / "de_test.conllu"), "--silent",
                 "--use-dataset-reader", "--output-file", "de.conllu",
                 "--include-package", "xlt_allennlp")  # fmt: skip
    assert_only_columns_changed(UD_FIXTURES / "de_test.conllu", tmp_path / "de.conllu", {3})


def test_bad_input_in_the_middle_leaves_no_complete_looking_output(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # allennlp's own `predict` (a plugin cannot replace it): the predictor reads the whole file
    # and makes every prediction before allennlp writes the first line.
    archive = str(pos_run[0] / "model.tar.gz")
    lines = (UD_FIXTURES / "en_dev.conllu").read_text(encoding="utf-8").split("\n")
    bad_line = len(lines) // 2
    while not lines[bad_line - 1][:1].isdigit():
        bad_line += 1
    lines[bad_line - 1] = lines[bad_line - 1].replace("\t", " ", 1)  # 9 columns, not 10
    source = tmp_path / "broken.conllu"
    source.write_text("\n".join(lines), encoding="utf-8")
    output = tmp_path / "broken.pred.conllu"
    with pytest.raises(DataFormatError, match=rf"{source}:{bad_line}: expected 10 tab-separated"):
        allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                     "--output-file", str(output), "--batch-size", "4")  # fmt: skip
    assert not output.exists() or output.read_text(encoding="utf-8") == ""

    # JSON lines (read by allennlp batch by batch): invalid JSON, or an object without words,
    # in the middle is reported with its number and quoted.
    bad_rows = [('{"words": ["a"', "not valid JSON"), ('{"txt": "a b"}', 'needs "words"')]
    for bad, message in bad_rows:
        source = tmp_path / "broken.jsonl"
        rows = [json.dumps({"words": ["the", "dog"]})] * 5
        source.write_text("\n".join([*rows[:3], "", bad, *rows[3:]]) + "\n", encoding="utf-8")
        expected = rf"^JSON input 4 \(non-blank line 4\): .*{message}.*: {re.escape(bad)}$"
        with pytest.raises(JsonInputError, match=expected):
            allennlp_cli("predict", archive, str(source), "--silent", "--output-file",
                         str(output), "--batch-size", "2")  # fmt: skip


def test_every_prediction_is_made_before_the_first_line_is_written(
    pos_run: tuple[Path, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failure in the model's forward pass on the last batch: nothing was written before it.
    from allennlp.models import Model

    archive = str(pos_run[0] / "model.tar.gz")
    source = UD_FIXTURES / "en_dev.conllu"
    sentences = len(list(read_conllu(str(source))))
    calls = []
    original = Model.forward_on_instances

    def failing_on_last_batch(self: Model, instances: list) -> list:
        calls.append(len(instances))
        if sum(calls) >= sentences:
            raise RuntimeError("out of memory (simulated)")
        return original(self, instances)

    monkeypatch.setattr(Model, "forward_on_instances", failing_on_last_batch)
    output = tmp_path / "pred.conllu"
    with pytest.raises(RuntimeError, match="simulated"):
        allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                     "--output-file", str(output), "--batch-size", "4")  # fmt: skip
    assert len(calls) > 1 and sum(calls) == sentences  # batches of 4, the last one failed
    assert output.read_text(encoding="utf-8") == ""
