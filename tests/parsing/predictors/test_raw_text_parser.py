import subprocess
import sys
from pathlib import Path

from tests import PROJECT_ROOT, allennlp_cli
from tests.ud_format import ud_format_errors
from xlt_allennlp.data.conllu import raw_sentence_lines, read_conllu, write_conllu_sentence
from xlt_allennlp.data.labels import UD_RELATIONS
from xlt_allennlp.data.raw_text import RawTextSegmenter


def test_japanese_text_to_trees_through_the_real_cli(
    parsing_run: tuple[Path, dict], tmp_path: Path
) -> None:
    source = tmp_path / "ja.txt"
    source.write_text("吾輩は猫である。名前はまだ無い。\n", encoding="utf-8")
    output = tmp_path / "ja.conllu"
    command = [
        sys.executable, "-m", "allennlp", "predict", str(parsing_run[0] / "model.tar.gz"),
        str(source), "--output-file", str(output), "--silent",
        "--predictor-args", '{"language": "ja"}', "--include-package", "xlt_allennlp",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    # Trees (one root, no cycle, UD relations) and the UD level 1-2 format; no UPOS.
    assert ud_format_errors(output.read_text(encoding="utf-8"), tree=True) == []
    sentences = list(read_conllu(str(output)))
    assert [[w.form for w in s.words] for s in sentences] == [
        ["吾輩", "は", "猫", "で", "ある", "。"], ["名前", "は", "まだ", "無い", "。"],
    ]  # fmt: skip
    assert all(w.deprel in UD_RELATIONS for s in sentences for w in s.words)


def test_tagged_then_parsed_raw_text_is_fully_annotated(
    parsing_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # Raw text -> CoNLL-U with UPOS (as the POS tagger writes it; tests/tagging/predictors/
    # test_raw_text_pos.py) -> the parser on that file (HEAD, DEPREL): every level 1-2 rule
    # holds, UPOS and tree included, and the comments and MISC are kept.
    text = "Привет, мир! Это т.е. тест.\n\nЕщё один абзац."
    segmenter = RawTextSegmenter("ru")
    sentences = [s for paragraph in text.split("\n\n") for s in segmenter.segment(paragraph)]
    upos = [["INTJ", "PUNCT", "NOUN", "PUNCT"], ["PRON", "ADV", "NOUN", "PUNCT"],
            ["ADV", "NUM", "NOUN", "PUNCT"]]  # fmt: skip
    tagged, parsed = tmp_path / "tagged.conllu", tmp_path / "parsed.conllu"
    tagged.write_text("".join(
        write_conllu_sentence(raw_sentence_lines(s.metadata()), {"UPOS": tags})
        for s, tags in zip(sentences, upos, strict=True)
    ), encoding="utf-8")  # fmt: skip
    allennlp_cli("predict", str(parsing_run[0] / "model.tar.gz"), str(tagged), "--silent",
                 "--use-dataset-reader", "--output-file", str(parsed))  # fmt: skip
    output = parsed.read_text(encoding="utf-8")
    assert ud_format_errors(output, upos=True, tree=True) == []
    assert [line for line in output.split("\n") if line.startswith("#")] == [
        "# newpar", "# sent_id = 1", "# text = Привет, мир!",
        "# sent_id = 2", "# text = Это т.е. тест.",
        "# newpar", "# sent_id = 3", "# text = Ещё один абзац.",
    ]  # fmt: skip
    for before, after in zip(read_conllu(str(tagged)), read_conllu(str(parsed)), strict=True):
        assert [(w.form, w.upos, w.misc) for w in before.words] == [
            (w.form, w.upos, w.misc) for w in after.words
        ]
