"""The `wili` reader: WiLI-2018 x_/y_ pairs, LABEL<TAB>TEXT files, the dev hold-out, subsets."""

from collections import Counter
from pathlib import Path

import pytest

from tests import FIXTURES_ROOT, TINY_MBERT
from xlt_allennlp.analysis.wili import (
    MBERT_LANGUAGES_FILE,
    WiliReader,
    read_language_list,
)
from xlt_allennlp.data.errors import DataFormatError

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
