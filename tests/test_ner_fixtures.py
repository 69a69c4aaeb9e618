"""Checks the shipped NER fixtures (CoNLL 2002/2003 and SIGHAN 2006 layouts).

Regenerate them with `.venv/bin/python fixtures/make_ner_fixtures.py`.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests import FIXTURES_ROOT, NER_FIXTURES


@dataclass(frozen=True)
class Layout:
    """How one fixture file is written."""

    encoding: str
    columns: int
    scheme: str  # "IOB1" or "BIO"
    docstart: str | None
    sentences: int | None
    types: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")


EN = "-DOCSTART- -X- -X- O"
LAYOUTS = {
    "en_train.conll": Layout("utf-8", 4, "IOB1", EN, 400),
    "en_dev.conll": Layout("utf-8", 4, "IOB1", EN, 80),
    "en_test.conll": Layout("utf-8", 4, "IOB1", EN, 80),
    "en_edge_cases.conll": Layout("utf-8", 4, "IOB1", EN, None),
    "de_test.conll": Layout("latin-1", 5, "IOB1", "-DOCSTART- -X- -X- -X- O", 80),
    "es_test.conll": Layout("utf-8", 2, "BIO", "-DOCSTART- O", 80),
    "nl_test.conll": Layout("utf-8", 3, "BIO", "-DOCSTART- -DOCSTART- O", 80),
    "zh_test.conll": Layout("utf-8", 2, "BIO", None, 80, ("NR", "NS", "NT")),
}
# The non-blank lines of a file, grouped into sentences (runs of token lines).
Sentence = list[list[str]]


def read(name: str) -> tuple[list[str], list[Sentence]]:
    """The lines of a fixture file and its sentences (split token lines)."""
    text = (NER_FIXTURES / name).read_bytes().decode(LAYOUTS[name].encoding)
    lines = text.split("\n")[:-1]  # the file ends with a newline
    sentences: list[Sentence] = []
    current: Sentence = []
    for line in lines:
        if line and not line.startswith("-DOCSTART-"):
            current.append(line.split(" "))
        elif current:
            sentences.append(current)
            current = []
    return lines, sentences


def entity_count(tags: list[str]) -> int:
    """Entity spans in one sentence, read as IOB1 or BIO (both start a span on a B- or on an
    I- whose type differs from the previous tag's)."""
    previous, count = "O", 0
    for tag in tags:
        if tag.startswith("B-") or (tag.startswith("I-") and previous[2:] != tag[2:]):
            count += 1
        previous = tag
    return count


def test_every_fixture_file_is_checked() -> None:
    assert sorted(path.name for path in NER_FIXTURES.iterdir()) == sorted(LAYOUTS)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_file_layout(name: str) -> None:
    layout = LAYOUTS[name]
    raw = (NER_FIXTURES / name).read_bytes()
    assert raw.endswith(b"\n\n") and not raw.endswith(b"\n\n\n") and b"\r" not in raw
    assert b"\t" not in raw and b"  " not in raw
    lines, sentences = read(name)
    if layout.sentences is not None:
        assert len(sentences) == layout.sentences
    tag_pattern = re.compile(rf"^(O|[BI]-({'|'.join(layout.types)}))$")
    for number, line in enumerate(lines, start=1):
        if line.startswith("-DOCSTART-"):
            assert line == layout.docstart, f"{name}:{number}"
        elif line:
            columns = line.split(" ")
            assert len(columns) == layout.columns, f"{name}:{number}: {line!r}"
            assert tag_pattern.match(columns[-1]), f"{name}:{number}: {line!r}"
    for previous, line in zip(lines, lines[1:], strict=False):
        assert previous or line, f"{name}: two blank lines in a row"
    if layout.docstart is None:
        assert not any(line.startswith("-DOCSTART-") for line in lines)
    else:
        assert lines[0] == layout.docstart
        assert sum(line == layout.docstart for line in lines) >= 2


@pytest.mark.parametrize("name", sorted(n for n, layout in LAYOUTS.items() if layout.columns > 2))
def test_chunk_or_pos_columns(name: str) -> None:
    """POS tags are filled in; the chunk column (en, de) is IOB1 as in CoNLL 2003."""
    _, sentences = read(name)
    for sentence in sentences:
        assert all(row[-2] for row in sentence)
        if LAYOUTS[name].columns >= 4:
            chunks = [row[-2] for row in sentence]
            assert all(re.match(r"^(O|[BI]-[A-Z]+)$", tag) for tag in chunks), chunks
            for previous, tag in zip(["O", *chunks], chunks, strict=False):
                if tag.startswith("B-"):
                    assert previous[2:] == tag[2:], chunks


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_tags_follow_the_scheme(name: str) -> None:
    scheme = LAYOUTS[name].scheme
    _, sentences = read(name)
    b_tags = 0
    for sentence in sentences:
        tags = [row[-1] for row in sentence]
        for previous, tag in zip(["O", *tags], tags, strict=False):
            if scheme == "IOB1" and tag.startswith("B-"):
                # IOB1: B-X only right after another entity of type X.
                assert previous[2:] == tag[2:], tags
            if scheme == "BIO" and tag.startswith("I-"):
                assert previous != "O" and previous[2:] == tag[2:], tags
            b_tags += tag.startswith("B-")
    # IOB1 files have a few adjacent same-type entities; BIO files start every entity with B-.
    assert b_tags > 0


def test_german_file_is_latin_1() -> None:
    raw = (NER_FIXTURES / "de_test.conll").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("latin-1")
    assert "München" in text and "ß" in text and "ü" in text


def test_dutch_file_is_ascii() -> None:
    # The original CoNLL 2002 Dutch files are Latin-1: ASCII reads the same either way.
    (NER_FIXTURES / "nl_test.conll").read_bytes().decode("ascii")


def test_entities_are_frequent_and_often_multi_word() -> None:
    for name, layout in LAYOUTS.items():
        if layout.sentences is None:
            continue
        _, sentences = read(name)
        tags = [[row[-1] for row in sentence] for sentence in sentences]
        entities = sum(entity_count(sentence) for sentence in tags)
        assert entities >= len(sentences), name
        entity_words = sum(tag != "O" for sentence in tags for tag in sentence)
        assert entity_words >= 1.3 * entities, name
        assert {tag[2:] for sentence in tags for tag in sentence if tag != "O"} == set(
            layout.types
        ), name


def test_edge_cases() -> None:
    _, sentences = read("en_edge_cases.conll")
    tags = [[row[-1] for row in sentence] for sentence in sentences]
    assert any(len(sentence) == 1 for sentence in sentences)
    assert any(all(tag == "O" for tag in sentence) for sentence in tags)
    assert any(
        previous == "O" and tag.startswith("I-")
        for sentence in tags
        for previous, tag in zip(sentence, sentence[1:], strict=False)
    )
    assert any(tag.startswith("B-") for sentence in tags for tag in sentence)
    lines, _ = read("en_edge_cases.conll")
    assert lines[0].startswith("-DOCSTART-")
    assert any(line.startswith("-DOCSTART-") for line in lines[1:])


def load_generator() -> ModuleType:
    path = FIXTURES_ROOT / "make_ner_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_ner_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    generator = load_generator()
    generator.OUT_DIR = tmp_path
    generator.main()
    for name in LAYOUTS:
        assert (tmp_path / name).read_bytes() == (NER_FIXTURES / name).read_bytes(), name
