"""Property-based bad input for every reader: valid files, generated, then corrupted.

Every case ends in a parse or in our `DataFormatError` naming the file (and, for a problem on
a line, the line): never another exception from inside a dependency. Corruptions that keep the
content (CRLF, a byte-order mark, a 100,000-character word, an added 5,000-word sentence) must
give every sentence: sentences in = instances out (+ the ones `ud_parsing` skips for length,
which it logs). Example counts are bounded by the "ci" profile (tests/conftest.py); run
`pytest tests/data/test_reader_fuzzing.py --hypothesis-profile=thorough` for a longer search.
"""

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from allennlp.data import DatasetReader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import TINY_MBERT
from xlt_allennlp.classification.dataset_readers import MldocReader, XnliReader
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.labels import MLDOC_LABELS, NLI_LABELS, UD_RELATIONS, UPOS_TAGS, bio_labels
from xlt_allennlp.parsing.dataset_readers import UdParsingReader
from xlt_allennlp.tagging.dataset_readers import ChineseNerReader, ConllNerReader, UdPosReader

# Words: letters of several scripts, digits and punctuation; no whitespace (a column separator).
WORD = st.text(
    st.characters(categories=["L", "N", "P"], exclude_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=8,
)
SENTENCE = st.lists(WORD, min_size=1, max_size=12)
SENTENCES = st.lists(SENTENCE, min_size=1, max_size=6)
LONG_WORD = "x" * 100_000
LONG_SENTENCE = [f"w{i}" for i in range(5_000)]


def conllu(sentences: list[list[str]], tags: st.DataObject) -> str:
    blocks = []
    for number, words in enumerate(sentences, start=1):
        lines = [f"# sent_id = {number}"]
        for index, word in enumerate(words, start=1):
            upos = tags.draw(st.sampled_from(UPOS_TAGS))
            head = 0 if index == 1 else tags.draw(st.integers(1, index - 1))
            deprel = "root" if index == 1 else tags.draw(st.sampled_from(UD_RELATIONS))
            lines.append(f"{index}\t{word}\t_\t{upos}\t_\t_\t{head}\t{deprel}\t_\t_")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def conll_ner(sentences: list[list[str]], tags: st.DataObject) -> str:
    labels = bio_labels(["PER", "LOC", "ORG", "MISC"])
    blocks = ["-DOCSTART- O\n"]
    for words in sentences:
        blocks.append("".join(f"{w} {tags.draw(st.sampled_from(labels))}\n" for w in words))
    return "\n".join(blocks)


def chinese_ner(sentences: list[list[str]], tags: st.DataObject) -> str:
    labels = bio_labels(["NR", "NS", "NT"])
    return "\n".join(
        "".join(f"{w} {tags.draw(st.sampled_from(labels))}\n" for w in words) for words in sentences
    )


def mldoc(sentences: list[list[str]], tags: st.DataObject) -> str:
    return "".join(
        f"{tags.draw(st.sampled_from(MLDOC_LABELS))}\t{' '.join(words)}.\n" for words in sentences
    )


def xnli(sentences: list[list[str]], tags: st.DataObject) -> str:
    rows = ["language\tgold_label\tsentence1\tsentence2"]
    for words in sentences:
        label = tags.draw(st.sampled_from(NLI_LABELS))
        rows.append(f"en\t{label}\t{' '.join(words)}\t{words[0]}")
    return "\n".join(rows) + "\n"


def xnli_jsonl(sentences: list[list[str]], tags: st.DataObject) -> str:
    return "".join(
        json.dumps(
            {
                "gold_label": tags.draw(st.sampled_from(NLI_LABELS)),
                "sentence1": " ".join(words),
                "sentence2": words[-1],
            },
            ensure_ascii=False,
        )
        + "\n"
        for words in sentences
    )


READERS: dict[str, tuple[Callable[[], DatasetReader], Callable[..., str]]] = {
    "ud_pos": (UdPosReader, conllu),
    "ud_parsing": (UdParsingReader, conllu),
    "conll_ner": (ConllNerReader, conll_ner),
    "chinese_ner": (ChineseNerReader, chinese_ner),
    "mldoc": (lambda: MldocReader(TINY_MBERT), mldoc),
    "xnli": (lambda: XnliReader(TINY_MBERT), xnli),
    "xnli_jsonl": (lambda: XnliReader(TINY_MBERT), xnli_jsonl),
}


def with_long_sentence(name: str, text: str) -> str:
    """The file with one more sentence (document, pair) of 5,000 words, in its own format."""
    if name in ("ud_pos", "ud_parsing"):
        words = "".join(
            f"{i}\t{w}\t_\tNOUN\t_\t_\t{0 if i == 1 else 1}\t{'root' if i == 1 else 'dep'}\t_\t_\n"
            for i, w in enumerate(LONG_SENTENCE, start=1)
        )
        return text + "\n" + words
    if name in ("conll_ner", "chinese_ner"):
        return text + "\n" + "".join(f"{w} O\n" for w in LONG_SENTENCE)
    if name == "mldoc":
        return text + f"CCAT\t{' '.join(LONG_SENTENCE)}\n"
    if name == "xnli":
        return text + f"en\tneutral\t{' '.join(LONG_SENTENCE)}\tshort\n"
    return text + json.dumps({"gold_label": "neutral", "sentence1": " ".join(LONG_SENTENCE),
                              "sentence2": "short"}) + "\n"  # fmt: skip


# Changes that keep every sentence: name -> (the file's bytes from (reader name, sentences,
# data), number of sentences added).
def generated(name: str, sentences: list[list[str]], data: st.DataObject) -> str:
    return READERS[name][1](sentences, data)


def with_long_word(name: str, sentences: list[list[str]], data: st.DataObject) -> str:
    """The file with its first word 100,000 characters long (a 100k-character line)."""
    return generated(name, [[LONG_WORD, *sentences[0][1:]], *sentences[1:]], data)


KEEPING: dict[str, tuple[Callable[[str, list[list[str]], st.DataObject], bytes], int]] = {
    "identity": (lambda n, s, d: generated(n, s, d).encode(), 0),
    "crlf": (lambda n, s, d: generated(n, s, d).replace("\n", "\r\n").encode(), 0),
    "bom": (lambda n, s, d: b"\xef\xbb\xbf" + generated(n, s, d).encode(), 0),
    "long_word": (lambda n, s, d: with_long_word(n, s, d).encode(), 0),
    "long_sentence": (lambda n, s, d: with_long_sentence(n, generated(n, s, d)).encode(), 1),
}


def breaking(text: bytes, kind: str, data: st.DataObject) -> bytes:
    """`text` corrupted in one of the ways files get broken."""
    lines = text.split(b"\n")
    at = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    if kind == "truncate":
        return text[: data.draw(st.integers(0, len(text)), label="cut")]
    if kind == "random_bytes":
        junk = data.draw(st.binary(min_size=1, max_size=20), label="junk")
        position = data.draw(st.integers(0, len(text)), label="position")
        return text[:position] + junk + text[position:]
    if kind == "invalid_utf8":
        lines[at] = lines[at] + b"\xff\xfe"
    elif kind == "nul":
        lines[at] = b"\x00" + lines[at]
    elif kind == "drop_column":
        for separator in (b"\t", b" "):
            if separator in lines[at]:
                lines[at] = lines[at].rsplit(separator, 1)[0]
                break
    elif kind == "extra_column":
        lines[at] = lines[at] + (b"\tX" if b"\t" in lines[at] else b" X")
    elif kind == "tabs_to_spaces":
        lines[at] = lines[at].replace(b"\t", b" ")
    elif kind == "spaces_to_tabs":
        lines[at] = lines[at].replace(b" ", b"\t")
    elif kind == "delete_line":
        del lines[at]
    elif kind == "blank_line":
        lines.insert(at, b"")
    elif kind == "empty":
        return b""
    elif kind == "only_comments":
        return b"# a comment\n# another\n"
    return b"\n".join(lines)


BREAKING = [
    "truncate", "random_bytes", "invalid_utf8", "nul", "drop_column", "extra_column",
    "tabs_to_spaces", "spaces_to_tabs", "delete_line", "blank_line", "empty", "only_comments",
]  # fmt: skip


def read_all(reader: DatasetReader, path: Path) -> int:
    """Instances read from `path`, or our error naming the file (and line) - nothing else."""
    try:
        return sum(1 for _ in reader.read(str(path)))
    except DataFormatError as error:
        assert str(error).startswith(f"{path}:"), error
        assert error.path == str(path)
        return -1


@pytest.fixture(scope="module")
def readers() -> dict[str, DatasetReader]:
    return {name: make() for name, (make, _) in READERS.items()}


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("corruption", list(KEEPING))
@FUZZ
@given(sentences=SENTENCES, data=st.data())
def test_content_preserving_changes_keep_every_sentence(
    name: str,
    corruption: str,
    readers: dict[str, DatasetReader],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    sentences: list[list[str]],
    data: st.DataObject,
) -> None:
    make_file, added = KEEPING[corruption]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(make_file(name, sentences, data))
    caplog.clear()
    with caplog.at_level(logging.INFO):
        read = read_all(readers[name], path)
    expected = len(sentences) + added
    if name == "ud_parsing" and corruption == "long_sentence":
        # Longer than max_words (140): skipped, and said so.
        assert "skipped 1 with more than 140 words" in caplog.text
        expected -= 1
    assert read == expected


@pytest.mark.parametrize("name", list(READERS))
@FUZZ
@given(sentences=SENTENCES, data=st.data(), kind=st.sampled_from(BREAKING))
def test_broken_files_give_our_error_or_a_parse(
    name: str,
    readers: dict[str, DatasetReader],
    tmp_path: Path,
    sentences: list[list[str]],
    data: st.DataObject,
    kind: str,
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(breaking(READERS[name][1](sentences, data).encode(), kind, data))
    read = read_all(readers[name], path)  # asserts that any error is ours, naming the file
    if kind in ("empty", "only_comments"):
        assert read == -1
    if kind == "invalid_utf8":
        assert read == -1  # never decoded into replacement characters silently
