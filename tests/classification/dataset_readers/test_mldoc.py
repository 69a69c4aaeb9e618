import logging
from pathlib import Path

import pytest

from tests import TINY_MBERT, TINY_XLMR
from tests.classification.classification_runs import MLDOC_FIXTURES, MLDOC_LANGUAGES
from xlt_allennlp.classification.dataset_readers import MldocReader
from xlt_allennlp.classification.dataset_readers.text_pair import pair_lengths
from xlt_allennlp.common import ConfigError
from xlt_allennlp.data import DataFormatError
from xlt_allennlp.data.errors import NothingLeftError

READER_LOGGER = "xlt_allennlp.classification.dataset_readers.text_pair"


def texts(instance) -> list[str]:
    return [token.text for token in instance["tokens"].tokens]


def write(tmp_path: Path, content: bytes | str, name: str = "english.test") -> str:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return str(path)


def test_fields_of_a_two_sentence_pair() -> None:
    reader = MldocReader(TINY_MBERT)
    instances = list(reader.read(str(MLDOC_FIXTURES / "en_dev.txt")))
    assert len(instances) == 80
    first = instances[0]
    assert set(first.fields) == {"tokens", "label", "metadata"}
    line = (MLDOC_FIXTURES / "en_dev.txt").read_text(encoding="utf-8").splitlines()[0]
    label, text = line.split("\t")
    assert first["label"].label == label
    sentences = first["metadata"]["sentences"]
    assert len(sentences) == 2 and text.startswith(" ".join(sentences))
    tokens = first["tokens"].tokens
    separators = [i for i, token in enumerate(tokens) if token.text == "[SEP]"]
    assert tokens[0].text == "[CLS]" and len(separators) == 2 and separators[-1] == len(tokens) - 1
    # Token type 0 for [CLS] s1 [SEP], 1 for s2 [SEP].
    assert [t.type_id for t in tokens] == [0] * (separators[0] + 1) + [1] * (
        len(tokens) - separators[0] - 1
    )
    assert first["metadata"]["line"] == 1 and first["metadata"]["gold_label"] == label


def test_one_sentence_document_is_a_single_sequence(tmp_path: Path) -> None:
    path = write(tmp_path, "GCAT\tParliament voted on Monday\n")
    (instance,) = MldocReader(TINY_MBERT).read(path)
    assert texts(instance)[0] == "[CLS]" and texts(instance).count("[SEP]") == 1
    assert instance["metadata"]["sentences"] == ["Parliament voted on Monday"]


@pytest.mark.parametrize("language", MLDOC_LANGUAGES)
def test_every_fixture_language_reads_as_sentence_pairs(language: str) -> None:
    split = "dev" if language == "en" else "test"
    instances = list(MldocReader(TINY_XLMR).read(str(MLDOC_FIXTURES / f"{language}_{split}.txt")))
    assert instances
    for instance in instances:
        # Every fixture document has at least three sentences: the first two form the pair.
        first, second = instance["metadata"]["sentences"]
        assert first[-1] in ".?。？" and second[-1] in ".?。？"
        tokens = texts(instance)
        assert tokens[0] == "<s>" and tokens[-1] == "</s>" and tokens.count("</s>") == 3
        assert "<unk>" not in tokens


@pytest.mark.parametrize(
    ("encoder", "start", "end", "middle"),
    [
        (TINY_MBERT, ["[CLS]"], ["[SEP]"], ["[SEP]"]),
        (TINY_XLMR, ["<s>"], ["</s>"], ["</s>", "</s>"]),
    ],
)
def test_truncation_keeps_the_special_tokens(
    tmp_path: Path, encoder: str, start: list[str], end: list[str], middle: list[str]
) -> None:
    long_first = " ".join(["Siemens reported higher earnings"] * 20) + "."
    short_second = "Shares rose."
    path = write(tmp_path, f"CCAT\t{long_first} {short_second}\nCCAT\t{long_first} {long_first}\n")
    reader = MldocReader(encoder, max_length=24)
    one, two = reader.read(path)
    for instance in (one, two):
        tokens = texts(instance)
        assert len(tokens) == 24
        assert tokens[: len(start)] == start and tokens[-len(end) :] == end
    # Longest first: the short second sentence is kept whole, the long first one is cut.
    tokens = texts(one)
    budget = 24 - len(start) - len(middle) - len(end)
    second = reader._tokenizer.tokenize(short_second)
    assert tokens[-len(end) - len(second) : -len(end)] == [t.text for t in second]
    assert (
        tokens[len(start) + budget - len(second) : len(start) + budget - len(second) + len(middle)]
        == middle
    )
    # Two long sentences: half of the budget each (the first gets the odd one).
    tokens = texts(two)
    kept_first = budget - budget // 2
    assert tokens[len(start) + kept_first : len(start) + kept_first + len(middle)] == middle


def test_pair_lengths_is_longest_first() -> None:
    def brute_force(first: int, second: int, budget: int) -> tuple[int, int]:
        while first + second > budget:
            if first > second:
                first -= 1
            else:
                second -= 1
        return first, second

    for first in range(12):
        for second in range(12):
            for budget in range(1, 14):
                assert pair_lengths(first, second, budget) == brute_force(first, second, budget)


def test_max_length_must_leave_room_for_text() -> None:
    with pytest.raises(ValueError, match="max_length=3 leaves no room"):
        MldocReader(TINY_MBERT, max_length=3)


def test_bytes_literal_documents_are_decoded(tmp_path: Path) -> None:
    # MLDoc's generation script writes `doc.encode('utf-8')` under Python 3.
    literal = repr("Die Aktien stiegen um 3,5 Prozent. Händler waren froh.".encode())
    (instance,) = MldocReader(TINY_MBERT).read(write(tmp_path, f"MCAT\t{literal}\n"))
    assert instance["metadata"]["sentences"] == [
        "Die Aktien stiegen um 3,5 Prozent.",
        "Händler waren froh.",
    ]


def test_text_to_instance_segments_the_text() -> None:
    reader = MldocReader(TINY_MBERT)
    instance = reader.text_to_instance("Gold fell. Dealers sold. Then nothing.")
    assert instance["metadata"]["sentences"] == ["Gold fell.", "Dealers sold."]
    assert "label" not in instance.fields
    with pytest.raises(ValueError, match="empty"):
        reader.text_to_instance("  ")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("CCAT\tFine text.\nECAT no tab here\n", 2, "found no tab"),
        (
            "CCAT\tFine text.\nXCAT\tTypo label.\n",
            2,
            "unknown label 'XCAT'; known labels: CCAT ECAT GCAT MCAT",
        ),
        ("CCAT\tFine text.\nGCAT\t   \n", 2, "the document text is empty"),
        ("CCAT\tFine text.\nMCAT\tb'\\xff\\xfe'\n", 2, "cannot decode the bytes literal"),
        (b"CCAT\tFine text.\nMCAT\tM\xe4rkte fielen.\n", 2, "cannot decode byte 0xe4 at column 7"),
        ("", None, "no documents"),
        ("\n\n", None, "no documents"),
    ],
)
def test_errors_name_file_and_line(
    tmp_path: Path, content: str | bytes, line: int | None, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(DataFormatError) as error:
        list(MldocReader(TINY_MBERT).read(path))
    location = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error.value).startswith(location)
    assert message in str(error.value)


def test_skip_empty_skips_counts_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "CCAT\tFine text.\nGCAT\t\nECAT\tMore text.\n")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(MldocReader(TINY_MBERT, skip_empty=True).read(path))
    assert [i["metadata"]["line"] for i in instances] == [1, 3]
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"{path}: kept 2 documents, skipped 1 with an empty text (reader option skip_empty=true)"
    )


def test_skip_empty_skipping_nothing_is_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "CCAT\tFine text.\nECAT\tMore text.\n")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        assert len(list(MldocReader(TINY_MBERT, skip_empty=True).read(path))) == 2
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, f"{path}: kept 2 documents, skipped 0")
    ]


def test_skip_empty_leaving_nothing_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "CCAT\t\nGCAT\t \n")
    with pytest.raises(NothingLeftError) as error:
        list(MldocReader(TINY_MBERT, skip_empty=True).read(path))
    assert isinstance(error.value, ConfigError)
    assert str(error.value) == (
        f"{path}: 0 of 2 documents kept: every one has an empty text and the reader option "
        "skip_empty=true skips those; is this the right file?"
    )


def test_latin1_files_read_with_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "MCAT\tMärkte fielen.\n".encode("latin-1"))
    (instance,) = MldocReader(TINY_MBERT, encoding="latin-1").read(path)
    assert instance["metadata"]["sentences"] == ["Märkte fielen."]
