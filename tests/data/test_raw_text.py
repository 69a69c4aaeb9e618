from pathlib import Path

import conllu
import pytest

from tests.ud_format import ud_format_errors
from xlt_allennlp.data.conllu import misc_with, raw_sentence_lines, write_conllu_sentence
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.raw_text import RawTextSegmenter, read_paragraphs


def to_conllu(sentences: list) -> str:
    return "".join(write_conllu_sentence(raw_sentence_lines(s.metadata()), {}) for s in sentences)


def test_sentences_words_offsets_and_space_after() -> None:
    text = "Er kam  am 3. Oktober. Dann ging er!\nNeu."
    sentences = RawTextSegmenter("de").segment(text, offset=100, input_number=7)
    assert [s.text for s in sentences] == ["Er kam am 3. Oktober.", "Dann ging er!", "Neu."]
    assert [s.sent_id for s in sentences] == ["1", "2", "3"]
    assert [s.newpar for s in sentences] == [True, False, False]
    first = sentences[0]
    assert first.words == ["Er", "kam", "am", "3.", "Oktober", "."]
    assert first.offsets == [(100, 102), (103, 106), (108, 110), (111, 113), (114, 121), (121, 122)]
    assert first.space_after == [True, True, True, True, False, True]
    assert first.source == "Er kam  am 3. Oktober." and first.start == 100
    assert sentences[2].input_number == 7


def test_cjk_sentences_have_no_space_after_their_last_word() -> None:
    text = "我爱北京。他说：“走吧！”"
    sentences = RawTextSegmenter("zh").segment(text)
    assert [s.words for s in sentences] == [
        ["我", "爱", "北京", "。"], ["他", "说", "：", "“", "走", "吧", "！", "”"],
    ]  # fmt: skip
    assert sentences[0].space_after[-1] is False  # the next sentence follows at once
    assert sentences[1].space_after[-1] is True  # the end of the text


def test_round_trip_text_to_conllu_to_text() -> None:
    # Every language family; odd whitespace inside sentences becomes one space in `# text`.
    texts = {
        "en": "I don't like Paris.   Mr. Smith paid $3.50!",
        "ru": "Привет,\tмир! Это т.е. тест.",
        "ar": "ذهب الولد إلى المدرسة. هل أنت بخير؟",
        "hi": "मैं घर जा रहा हूँ। तुम कहाँ हो?",
        "zh": "我爱北京天安门。今天天气很好！",
        "ja": "吾輩は猫である。名前はまだ無い。",
        "ko": "나는 학교에 갔다. 그리고 집에 왔다!",
    }
    for language, text in texts.items():
        sentences = RawTextSegmenter(language).segment(text)
        assert len(sentences) == 2, language
        output = to_conllu(sentences)
        assert ud_format_errors(output) == [], language
        parsed = conllu.parse(output)  # an independent parser reads it
        assert len(parsed) == 2
        # The `# text` lines give the text back (whitespace runs as one space) ...
        glue = "" if language in ("zh", "ja") else " "
        assert glue.join(s.metadata["text"] for s in parsed) == " ".join(text.split())
        # ... and TokenRange gives each word's characters in the input.
        for sentence in parsed:
            for token in sentence:
                start, end = map(int, token["misc"]["TokenRange"].split(":"))
                assert text[start:end] == token["form"]


def test_conllu_lines_of_a_raw_sentence() -> None:
    (sentence,) = RawTextSegmenter("en").segment("Hi, Bo.")
    lines = raw_sentence_lines(sentence.metadata())
    assert lines == [
        "# newpar",
        "# sent_id = 1",
        "# text = Hi, Bo.",
        "1\tHi\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No|TokenRange=0:2",
        "2\t,\t_\t_\t_\t_\t_\t_\t_\tTokenRange=2:3",
        "3\tBo\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No|TokenRange=4:6",
        "4\t.\t_\t_\t_\t_\t_\t_\t_\tTokenRange=6:7",
    ]
    assert misc_with("SpaceAfter=No|TokenRange=0:2", NER="B-PER") == (
        "NER=B-PER|SpaceAfter=No|TokenRange=0:2"
    )
    assert misc_with("_", NER="O") == "NER=O"


def test_one_sentence_per_line() -> None:
    segmenter = RawTextSegmenter("en", one_sentence_per_line=True)
    sentences = segmenter.segment("Dr. No. Yes\n\nSecond line. Still one")
    assert [s.text for s in sentences] == ["Dr. No. Yes", "Second line. Still one"]
    assert not any(s.newpar for s in sentences)


def test_paragraphs_of_a_file_with_offsets(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_bytes("\ufeffFirst line\r\ngoes on.\r\n\r\n\r\nSecond.\n".encode())
    paragraphs = list(read_paragraphs(str(path)))
    assert paragraphs == [("First line\ngoes on.", 0, 1), ("Second.", 22, 5)]
    # Offsets are into the file's text as Python reads it (universal newlines, no BOM).
    decoded = path.read_text(encoding="utf-8-sig")
    assert decoded[22:29] == "Second."
    lines = list(read_paragraphs(str(path), one_sentence_per_line=True))
    assert [(text, line) for text, _, line in lines] == [
        ("First line", 1), ("goes on.", 2), ("Second.", 5),
    ]  # fmt: skip


def test_bad_text_files_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"^{empty}: the file contains no text"):
        list(read_paragraphs(str(empty)))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Gut.\nSchön.\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match=rf"^{latin}:2: cannot decode byte 0xf6"):
        list(read_paragraphs(str(latin)))


def test_the_format_checker_finds_what_it_checks() -> None:
    (sentence,) = RawTextSegmenter("en").segment("Hi, Bo.")
    good = to_conllu([sentence])
    assert ud_format_errors(good) == []
    bad = {
        "end": good.rstrip("\n") + "\n",
        "text": good.replace("# text = Hi, Bo.", "# text = Hi , Bo."),
        "sent_id": good.replace("# sent_id = 1\n", ""),
        "columns": good.replace("\tTokenRange=2:3", " TokenRange=2:3"),
        "ids": good.replace("3\tBo", "5\tBo"),
        "misc": good.replace("SpaceAfter=No|TokenRange=0:2", "SpaceAfter=Yes"),
        "duplicate id": good + good,
    }
    for name, text in bad.items():
        assert ud_format_errors(text), name
    # A POS tagger's output has UPOS, a parser's a tree: checked only when asked.
    assert ud_format_errors(good, upos=True) and ud_format_errors(good, tree=True)
    tagged = write_conllu_sentence(
        raw_sentence_lines(sentence.metadata()),
        {"UPOS": ["INTJ", "PUNCT", "PROPN", "PUNCT"], "HEAD": ["0", "1", "1", "1"],
         "DEPREL": ["root", "punct", "vocative", "punct"]},
    )  # fmt: skip
    assert ud_format_errors(tagged, upos=True, tree=True) == []
    cyclic = tagged.replace("\t0\troot", "\t2\tdep")
    assert ud_format_errors(cyclic, tree=True)
