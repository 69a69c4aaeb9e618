"""The shipped MLDoc and XNLI fixtures: layouts, labels, languages, and their generator.

Regenerate them (then the tiny encoders, whose vocabularies include their text) with
`.venv/bin/python fixtures/make_classification_fixtures.py && .venv/bin/python
fixtures/make_tiny_encoders.py`.
"""

import json
from collections import Counter
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from tests import TINY_MBERT, TINY_XLMR
from tests.classification.classification_runs import (
    MLDOC_FIXTURES,
    MLDOC_LANGUAGES,
    XNLI_FIXTURES,
    XNLI_LANGUAGES,
    load_generator,
)

MLDOC_FILES = ["en_train.txt", "en_dev.txt"] + [f"{code}_test.txt" for code in MLDOC_LANGUAGES]
XNLI_FILES = [
    "multinli_train.jsonl",
    "multinli_dev_matched.jsonl",
    "multinli_dev_matched.txt",
    "xnli.dev.tsv",
    "xnli.test.tsv",
]


def test_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    generator = load_generator()
    generator.MLDOC_DIR = tmp_path / "mldoc"
    generator.XNLI_DIR = tmp_path / "xnli"
    generator.DATA_DIR = tmp_path
    generator.main()
    for directory, names in ((MLDOC_FIXTURES, MLDOC_FILES), (XNLI_FIXTURES, XNLI_FILES)):
        assert sorted(p.name for p in directory.iterdir()) == sorted(names)
        for name in names:
            assert (tmp_path / directory.name / name).read_bytes() == (
                directory / name
            ).read_bytes()


def test_small() -> None:
    total = sum(p.stat().st_size for d in (MLDOC_FIXTURES, XNLI_FIXTURES) for p in d.iterdir())
    assert total < 700 * 1024


@pytest.mark.parametrize("name", MLDOC_FILES)
def test_mldoc_layout_and_balanced_labels(name: str) -> None:
    raw = (MLDOC_FIXTURES / name).read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    lines = raw.decode("utf-8").splitlines()
    labels = Counter(line.split("\t")[0] for line in lines)
    assert all(line.count("\t") == 1 for line in lines)
    assert set(labels) == {"CCAT", "ECAT", "GCAT", "MCAT"}
    assert max(labels.values()) - min(labels.values()) <= 1


def test_xnli_layouts() -> None:
    train = [json.loads(line) for line in (XNLI_FIXTURES / "multinli_train.jsonl").open()]
    assert len(train) == 300
    assert {row["gold_label"] for row in train} == {"entailment", "neutral", "contradiction"}
    dev = [json.loads(line) for line in (XNLI_FIXTURES / "multinli_dev_matched.jsonl").open()]
    assert Counter(row["gold_label"] for row in dev)["-"] == 4
    tsv = (XNLI_FIXTURES / "multinli_dev_matched.txt").read_text(encoding="utf-8").splitlines()
    header = tsv[0].split("\t")
    assert header[:3] == ["gold_label", "sentence1_binary_parse", "sentence2_binary_parse"]
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in tsv[1:]]
    assert [(r["sentence1"], r["sentence2"], r["gold_label"]) for r in rows] == [
        (r["sentence1"], r["sentence2"], r["gold_label"]) for r in dev
    ]
    for split, count in (("dev", 15), ("test", 30)):
        lines = (XNLI_FIXTURES / f"xnli.{split}.tsv").read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        assert len(header) == 19 and header[:2] == ["language", "gold_label"]
        assert all(len(line.split("\t")) == 19 for line in lines[1:])
        languages = Counter(line.split("\t")[0] for line in lines[1:])
        assert languages == {language: count for language in XNLI_LANGUAGES}


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR])
def test_tiny_encoders_cover_every_fixture_script(encoder: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    texts = [
        line.split("\t")[1]
        for code in MLDOC_LANGUAGES
        for line in (MLDOC_FIXTURES / f"{code}_test.txt").read_text(encoding="utf-8").splitlines()
    ]
    texts += (XNLI_FIXTURES / "xnli.test.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for text in texts:
        assert tokenizer.unk_token not in tokenizer.tokenize(text), text
