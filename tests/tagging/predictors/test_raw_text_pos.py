import json
import subprocess
import sys
from pathlib import Path

import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests import PROJECT_ROOT, allennlp_cli
from tests.ud_format import ud_format_errors
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.errors import DataFormatError, JsonInputError
from xlt_allennlp.data.labels import UPOS_TAGS


def comments(path: Path, name: str) -> list[str]:
    prefix = f"# {name} = "
    lines = path.read_text(encoding="utf-8").split("\n")
    return [line[len(prefix) :] for line in lines if line.startswith(prefix)]


def test_plain_chinese_text_through_the_real_cli(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # The command: a plain text file, the language given, CoNLL-U out.
    source = tmp_path / "zh.txt"
    source.write_text("我爱北京天安门。今天天气很好！\n\n他说：“走吧！”\n", encoding="utf-8")
    output = tmp_path / "out.conllu"
    command = [
        sys.executable, "-m", "allennlp", "predict", str(pos_run[0] / "model.tar.gz"),
        str(source), "--output-file", str(output), "--silent",
        "--predictor-args", '{"language": "zh"}', "--include-package", "xlt_allennlp",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    # One block per detected sentence, in order; UD level 1-2 format with UPOS (no tree).
    assert comments(output, "text") == ["我爱北京天安门。", "今天天气很好！", "他说：“走吧！”"]
    assert comments(output, "sent_id") == ["1", "2", "3"]
    assert ud_format_errors(text, upos=True) == []
    sentences = list(read_conllu(str(output)))
    assert [w.form for w in sentences[0].words] == ["我", "爱", "北京", "天安门", "。"]
    misc = [w.misc for w in sentences[0].words]
    assert misc[-2:] == ["SpaceAfter=No|TokenRange=4:7", "SpaceAfter=No|TokenRange=7:8"]
    assert all(w.upos in UPOS_TAGS and w.head == "_" for s in sentences for w in s.words)


def test_text_file_with_paragraphs_read_by_the_reader(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = str(pos_run[0] / "model.tar.gz")
    source = tmp_path / "en.txt"
    source.write_text("The dog sleeps. The cat\nruns away.\n\nA new paragraph.\n", "utf-8")
    output = tmp_path / "en.conllu"
    args = json.dumps({"input": "text", "language": "en"})
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                 "--output-file", str(output), "--predictor-args", args)  # fmt: skip
    text = output.read_text(encoding="utf-8")
    assert ud_format_errors(text, upos=True) == []
    assert comments(output, "text") == ["The dog sleeps.", "The cat runs away.", "A new paragraph."]
    assert text.count("# newpar\n") == 2
    # TokenRange: character offsets into the file.
    file_text = source.read_text(encoding="utf-8")
    for sentence in read_conllu(str(output)):
        for word in sentence.words:
            start, end = map(int, word.misc.split("TokenRange=")[1].split(":"))
            assert file_text[start:end] == word.form

    # One sentence per line: no splitting.
    args = json.dumps({"input": "text", "language": "en", "one_sentence_per_line": True})
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                 "--output-file", str(output), "--predictor-args", args)  # fmt: skip
    assert comments(output, "text") == ["The dog sleeps. The cat", "runs away.", "A new paragraph."]

    # Bad bytes and empty files are named.
    source.write_bytes(b"Fine.\n\nNot \xff fine.\n")
    with pytest.raises(DataFormatError, match=rf"^{source}:3: cannot decode byte 0xff"):
        allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                     "--output-file", str(output), "--predictor-args", args)  # fmt: skip
    source.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"^{source}: the file contains no text"):
        allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                     "--output-file", str(output), "--predictor-args", args)  # fmt: skip


def test_json_text_lines_mixed_with_words(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(pos_run[0] / "model.tar.gz")
    source = tmp_path / "in.jsonl"
    rows = [
        {"text": "Привет, мир! Как дела?", "language": "ru"},
        {"words": ["the", "dog"]},
        "Plain text line. Two sentences.",
    ]
    source.write_text(
        "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n", "utf-8"
    )
    output = tmp_path / "out.jsonl"
    args = json.dumps({"output_format": "json"})
    allennlp_cli("predict", archive, str(source), "--silent", "--output-file", str(output),
                 "--batch-size", "2", "--predictor-args", args)  # fmt: skip
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    # One line per sentence of a text, one per words input; in input order.
    assert [line.get("input") for line in lines] == [1, 1, None, 3, 3]
    assert lines[0]["words"] == ["Привет", ",", "мир", "!"]
    assert lines[0]["offsets"] == [[0, 6], [6, 7], [8, 11], [11, 12]]
    assert (lines[1]["text"], lines[1]["start"], lines[1]["end"]) == ("Как дела?", 13, 22)
    assert lines[2] == {"words": ["the", "dog"], "tags": lines[2]["tags"]}
    assert [line["sent_id"] for line in lines if "sent_id" in line] == ["1", "2", "3", "4"]
    assert all(tag in UPOS_TAGS for line in lines for tag in line["tags"])

    # An empty text, or a text that is not a string, is named with its input number.
    for bad in ['{"text": "   "}', '{"text": 5}']:
        source.write_text(json.dumps({"text": "Fine."}) + "\n" + bad + "\n", "utf-8")
        with pytest.raises(JsonInputError, match=r"^JSON input 2 \(non-blank line 2\): \"text\""):
            allennlp_cli("predict", archive, str(source), "--silent", "--output-file",
                         str(output))  # fmt: skip


def test_input_modes(pos_run: tuple[Path, dict]) -> None:
    archive = load_archive(str(pos_run[0] / "model.tar.gz"))
    as_text = Predictor.from_archive(archive, extra_args={"input": "text", "language": "en"})
    (outputs,) = as_text.predict_batch_json([as_text.load_line('{"words": ["a"]}\n')])
    (sentence,) = outputs["raw_sentences"]  # the line is text, its punctuation split off
    assert sentence["raw"]["words"] == ["{", '"', "words", '"', ":", "[", '"', "a", '"', "]", "}"]
    as_json = Predictor.from_archive(archive, extra_args={"input": "json"})
    with pytest.raises(JsonInputError, match="not valid JSON"):
        as_json.load_line("Plain text.\n")
    with pytest.raises(ValueError, match="input must be one of"):
        Predictor.from_archive(archive, extra_args={"input": "xml"})
    conll = Predictor.from_archive(archive, extra_args={"output_format": "conll"})
    lines = conll.dump_line(conll.predict_json({"text": "Hi, Bo. Go!"})).split("\n")
    assert [line.split(" ")[0] for line in lines] == ["Hi", ",", "Bo", ".", "", "Go", "!", "", ""]
    assert all(line.split(" ")[1] in UPOS_TAGS for line in lines if line)
