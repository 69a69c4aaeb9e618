"""The `wili` reader: WiLI-2018 x_/y_ pairs, LABEL<TAB>TEXT files, the dev hold-out, subsets."""

import logging
from collections import Counter
from pathlib import Path

import pytest
from allennlp.data.dataset_readers.dataset_reader import WorkerInfo

from tests import FIXTURES_ROOT, TINY_MBERT
from xlt_allennlp.analysis.wili import (
    MBERT_LANGUAGES_FILE,
    WiliReader,
    read_language_list,
)
from xlt_allennlp.common import ConfigError
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError

WILI = FIXTURES_ROOT / "data" / "wili"


def reader(**kwargs) -> WiliReader:
    return WiliReader(model_name=TINY_MBERT, **kwargs)


def write_pair(directory: Path, texts: list[str], labels: list[str]) -> Path:
    (directory / "x_train.txt").write_text("".join(t + "\n" for t in texts), "utf-8")
    (directory / "y_train.txt").write_text("".join(label + "\n" for label in labels), "utf-8")
    return directory / "x_train.txt"


def test_reads_the_fixture_pair_line_by_line() -> None:
    instances = list(reader().read(str(WILI / "x_test.txt")))
    texts = (WILI / "x_test.txt").read_text("utf-8").splitlines()
    labels = (WILI / "y_test.txt").read_text("utf-8").splitlines()
    assert len(instances) == len(texts) == 72
    assert [i["label"].label for i in instances] == labels
    first = instances[0]["metadata"].metadata
    assert first["line"] == 1 and texts[0].startswith(first["text"])


def test_mismatched_line_counts_name_both_files_and_counts(tmp_path: Path) -> None:
    x_path = write_pair(tmp_path, ["Ein Satz.", "Noch einer.", "Drei."], ["deu", "deu"])
    with pytest.raises(DataFormatError) as error:
        list(reader().read(str(x_path)))
    message = str(error.value)
    assert str(x_path) in message and str(tmp_path / "y_train.txt") in message
    assert "3 paragraphs" in message and "2 labels" in message


def test_empty_paragraph_and_empty_label_name_file_and_line(tmp_path: Path) -> None:
    x_path = write_pair(tmp_path, ["Ein Satz.", "  ", "Drei."], ["deu", "deu", "deu"])
    with pytest.raises(DataFormatError, match=rf"^{x_path}:2: the paragraph is empty"):
        list(reader().read(str(x_path)))
    x_path = write_pair(tmp_path, ["Ein Satz.", "Zwei.", "Drei."], ["deu", "", "deu"])
    with pytest.raises(DataFormatError, match=rf"^{tmp_path / 'y_train.txt'}:2: the label"):
        list(reader().read(str(x_path)))


def test_tab_separated_files(tmp_path: Path) -> None:
    path = tmp_path / "langid.tsv"
    path.write_text("eng\tOne. Two. Three.\n\nzh-yue\t佢話。我哋走。好。\n", "utf-8")
    instances = list(reader().read(str(path)))
    assert [i["label"].label for i in instances] == ["eng", "zh-yue"]
    assert [i["metadata"]["text"] for i in instances] == ["One. Two.", "佢話。 我哋走。"]
    path.write_text("eng\tOne.\nno tab here\n", "utf-8")
    with pytest.raises(DataFormatError, match=rf"^{path}:2: expected `LABEL<TAB>text`"):
        list(reader().read(str(path)))
    path.write_text("eng\t \n", "utf-8")
    with pytest.raises(DataFormatError, match=rf"^{path}:1: the text"):
        list(reader().read(str(path)))


def test_first_two_sentences_cut_to_max_length() -> None:
    instance = reader(max_length=8).text_to_instance("Eins zwei drei vier fünf sechs. Zwei. Drei.")
    tokens = [t.text for t in instance["tokens"].tokens]
    assert len(tokens) == 8 and tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert instance["metadata"]["text"] == "Eins zwei drei vier fünf sechs. Zwei."


def test_stratified_seeded_dev_hold_out() -> None:
    wili = reader(dev_fraction=0.25, dev_seed=13)
    path = str(WILI / "x_train.txt")
    train, dev = wili.paragraphs(path + "#train"), wili.paragraphs(path + "#dev")
    whole = wili.paragraphs(path)
    assert sorted(p.line for p in train + dev) == [p.line for p in whole]
    assert not {p.line for p in train} & {p.line for p in dev}
    assert set(Counter(p.label for p in dev).values()) == {8}  # a quarter of 32 per language
    assert wili.paragraphs(path + "#dev") == dev  # same seed, same split
    other = reader(dev_fraction=0.25, dev_seed=14).paragraphs(path + "#dev")
    assert {p.line for p in other} != {p.line for p in dev}
    with pytest.raises(ValueError, match="'train' or 'dev'"):
        wili.paragraphs(path + "#test")


def test_language_subsets() -> None:
    mbert = read_language_list("mbert")
    assert read_language_list(MBERT_LANGUAGES_FILE) == mbert
    assert len(mbert) == len(set(mbert)) == 102
    assert {"zho", "eng", "tha", "mon", "bel", "nds"} <= set(mbert)
    assert not {"zh-yue", "be-tarask", "nds-nl", "wuu"} & set(mbert)
    two = reader(languages=["deu", "jpn"]).paragraphs(str(WILI / "x_test.txt"))
    assert {p.label for p in two} == {"deu", "jpn"} and len(two) == 16


def test_prediction_needs_no_labels(tmp_path: Path) -> None:
    (tmp_path / "x_new.txt").write_text("Ein Satz.\nA sentence.\n", "utf-8")
    instances = list(reader(ignore_gold=True).read(str(tmp_path / "x_new.txt")))
    assert len(instances) == 2 and all("label" not in i for i in instances)


WILI_LOGGER = "xlt_allennlp.analysis.wili"
# The fixture's WiLI labels as ISO 639-1 codes (what many corpora use).
ISO_639_1 = {"deu": "de", "eng": "en", "fra": "fr", "spa": "es", "rus": "ru", "ara": "ar",
             "hin": "hi", "jpn": "ja", "zho": "zh"}  # fmt: skip


def iso_639_1_file(directory: Path) -> Path:
    """The fixture's `langid.tsv` (72 paragraphs, 9 languages) labelled `de`, `en`, ..."""
    rows = (WILI / "langid.tsv").read_text("utf-8").splitlines()
    path = directory / "iso_639_1.tsv"
    path.write_text(
        "".join(
            ISO_639_1[row.split("\t")[0]] + "\t" + row.split("\t", 1)[1] + "\n" for row in rows
        ),
        "utf-8",
    )
    return path


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(record.levelno, record.getMessage()) for record in caplog.records]


def test_languages_left_out_are_a_warning_with_counts(caplog: pytest.LogCaptureFixture) -> None:
    path = str(WILI / "x_test.txt")
    with caplog.at_level(logging.INFO, logger=WILI_LOGGER):
        two = reader(languages=["deu", "jpn"]).paragraphs(path)
    assert len(two) == 16
    ((level, message),) = messages(caplog)
    assert level == logging.WARNING
    assert message.startswith(f"{path}: kept 16 paragraphs, skipped 56 in 7 other languages (")
    assert message.endswith(
        "(reader option languages=['deu', 'jpn']; languages=null keeps every language)"
    )


@pytest.mark.parametrize("options", [{"languages_file": "mbert"}, {"languages_file": "none"}, {}])
def test_no_warning_when_every_language_is_kept(
    caplog: pytest.LogCaptureFixture, options: dict[str, str]
) -> None:
    path = str(WILI / "x_test.txt")  # 9 languages, all of them mBERT's
    with caplog.at_level(logging.INFO, logger=WILI_LOGGER):
        assert len(reader(**options).paragraphs(path)) == 72
    assert messages(caplog) == [(logging.INFO, f"{path}: kept 72 paragraphs, skipped 0")]


def test_languages_file_none_keeps_every_language(tmp_path: Path) -> None:
    none = reader(languages_file="none")
    assert none.languages is None
    assert len(none.paragraphs(str(iso_639_1_file(tmp_path)))) == 72


def test_iso_639_1_labels_against_the_mbert_list_say_what_to_pass(tmp_path: Path) -> None:
    path = iso_639_1_file(tmp_path)
    with pytest.raises(NothingLeftError) as error:
        reader(languages_file="mbert").paragraphs(f"{path}#train")
    assert isinstance(error.value, ConfigError)
    assert str(error.value) == (
        f"{path}: 0 of 72 paragraphs have a label in languages_file=mbert (WiLI ISO 639-3 labels "
        "such as 'spa'); labels here look like ISO 639-1 ('es'): pass languages_file=none or a "
        "file of your labels"
    )


def test_a_language_list_matching_nothing_names_the_option(tmp_path: Path) -> None:
    path = str(WILI / "x_test.txt")
    with pytest.raises(NothingLeftError) as error:
        reader(languages=["xx1", "xx2"]).paragraphs(path)
    assert str(error.value) == (
        f"{path}: 0 of 72 paragraphs have a label in languages=['xx1', 'xx2'] (2 labels such as "
        "'xx1'); labels here: 'spa', 'ara', 'deu', 'zho', 'rus', ... (9 labels): pass "
        "languages=null or your file's labels"
    )
    own = tmp_path / "mine.txt"
    own.write_text("de\nen\n", "utf-8")
    with pytest.raises(NothingLeftError, match=r"in languages_file=.*mine.txt \(2 labels such as"):
        reader(languages_file=str(own)).paragraphs(path)


def test_dev_hold_out_is_a_warning_with_counts(caplog: pytest.LogCaptureFixture) -> None:
    path = str(WILI / "x_train.txt")  # 288 paragraphs, 32 per language
    wili = reader(dev_fraction=0.25, dev_seed=13)
    with caplog.at_level(logging.INFO, logger=WILI_LOGGER):
        wili.paragraphs(path + "#train")
        wili.paragraphs(path + "#dev")
    option = "(reader option dev_fraction=0.25 with dev_seed=13)"
    assert messages(caplog) == [
        (logging.INFO, f"{path}: kept 288 paragraphs, skipped 0"),
        (
            logging.WARNING,
            f"{path}#train: kept 216 paragraphs, skipped 72 held out as dev {option}",
        ),
        (logging.INFO, f"{path}: kept 288 paragraphs, skipped 0"),
        (
            logging.WARNING,
            f"{path}#dev: kept 72 paragraphs, skipped 216 left for training {option}",
        ),
    ]


def test_a_dev_hold_out_leaving_nothing_names_dev_fraction(tmp_path: Path) -> None:
    path = str(WILI / "x_train.txt")
    with pytest.raises(NothingLeftError) as error:
        reader(dev_fraction=0.0).paragraphs(path + "#dev")
    assert str(error.value).startswith(
        f"{path}#dev: 0 of 288 paragraphs kept: the reader option dev_fraction=0.0 holds out none"
    )
    one_each = tmp_path / "one_each.tsv"  # one paragraph per language: the hold-out takes each
    one_each.write_text("deu\tEin Satz.\neng\tA sentence.\n", "utf-8")
    with pytest.raises(NothingLeftError, match=r"#train: 0 of 2 .* dev_fraction=0.9 holds out all"):
        reader(dev_fraction=0.9).paragraphs(f"{one_each}#train")


def test_only_the_first_shard_reports(caplog: pytest.LogCaptureFixture) -> None:
    path = str(WILI / "x_test.txt")
    counts = []
    for worker in (0, 1):
        wili = reader(languages=["deu", "jpn"])
        wili._set_worker_info(WorkerInfo(num_workers=2, id=worker))
        counts.append(sum(1 for _ in wili.read(path)))
    assert counts == [8, 8]  # the 16 kept paragraphs, dealt in turn
    assert [level for level, _ in messages(caplog)] == [logging.WARNING]
