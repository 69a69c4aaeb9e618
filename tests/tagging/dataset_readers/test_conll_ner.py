from pathlib import Path

import pytest

from tests.data.test_conllu import write
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.tagging.dataset_readers import ChineseNerReader, ConllNerReader

ENGLISH_IOB1 = (
    "-DOCSTART- -X- -X- O\n"
    "\n"
    "EU NNP B-NP I-ORG\n"
    "rejects VBZ B-VP O\n"
    "German JJ B-NP I-MISC\n"
    "call NN I-NP O\n"
    "\n"
    "Peter NNP B-NP I-PER\n"
    "Blackburn NNP I-NP I-PER\n"
    "Mary NNP I-NP B-PER\n"
    "\n"
    "-DOCSTART- -X- -X- O\n"
    "\n"
    "Paris NNP B-NP I-LOC\n"
)


def test_conll2003_iob1_converted_to_bio_and_docstart_skipped(tmp_path: Path) -> None:
    instances = list(ConllNerReader().read(write(tmp_path, ENGLISH_IOB1)))
    assert len(instances) == 3
    assert [t.text for t in instances[0]["tokens"]] == ["EU", "rejects", "German", "call"]
    assert instances[0]["tags"].labels == ["B-ORG", "O", "B-MISC", "O"]
    assert instances[1]["tags"].labels == ["B-PER", "I-PER", "B-PER"]
    assert instances[2]["metadata"].metadata["prefix_lines"] == ["-DOCSTART- -X- -X- O", ""]
    assert instances[0]["metadata"].metadata["prefix_lines"] == ["-DOCSTART- -X- -X- O", ""]
    assert instances[1]["metadata"].metadata["prefix_lines"] == []


def test_keep_tags_as_they_are(tmp_path: Path) -> None:
    instances = list(ConllNerReader(convert_to_bio=False).read(write(tmp_path, ENGLISH_IOB1)))
    assert instances[1]["tags"].labels == ["I-PER", "I-PER", "B-PER"]


def test_spanish_two_columns_and_tag_column(tmp_path: Path) -> None:
    (instance,) = ConllNerReader().read(write(tmp_path, "José B-PER\nPérez I-PER\nhabla O\n"))
    assert instance["tags"].labels == ["B-PER", "I-PER", "O"]
    text = "Jan B-PER NNP\nzegt O VBZ\n"
    (instance,) = ConllNerReader(tag_column=1).read(write(tmp_path, text))
    assert instance["tags"].labels == ["B-PER", "O"]


def test_wrong_column_count_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "EU NNP B-NP I-ORG\nrejects VBZ O\n")
    with pytest.raises(
        DataFormatError, match=rf"{path}:2: expected 4 .* \(as on line 1\), found 3"
    ):
        list(ConllNerReader().read(path))


def test_tag_column_beyond_the_line_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "EU B-ORG\nrejects O\n")
    with pytest.raises(DataFormatError, match=rf"{path}:1: tag_column=3, but the line has 2"):
        list(ConllNerReader(tag_column=3).read(path))


def test_unknown_tag_names_line_and_known_types(tmp_path: Path) -> None:
    path = write(tmp_path, "EU B-ORG\nrejects O\nGerman B-NAT\n")
    with pytest.raises(DataFormatError, match=rf"{path}:3: NER tag 'B-NAT' .*LOC MISC ORG PER"):
        list(ConllNerReader().read(path))
    path = write(tmp_path, "EU X-ORG\n")
    with pytest.raises(DataFormatError, match=rf"{path}:1: NER tag 'X-ORG'"):
        list(ConllNerReader().read(path))
    (instance,) = ConllNerReader(entity_types="any").read(write(tmp_path, "EU B-NAT\n"))
    assert instance["tags"].labels == ["B-NAT"]


def test_latin1_needs_encoding_option(tmp_path: Path) -> None:
    path = write(tmp_path, "Müller B-PER\nsagt O\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match=rf"{path}:1: cannot decode byte 0xfc"):
        list(ConllNerReader().read(path))
    (instance,) = ConllNerReader(encoding="latin-1").read(path)
    assert instance["tokens"][0].text == "Müller"


@pytest.mark.parametrize("text", ["", "\n", "-DOCSTART- -X- -X- O\n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match="contains no sentence"):
        list(ConllNerReader().read(path))


def test_chinese_characters_and_msra_types(tmp_path: Path) -> None:
    text = "北 B-NS\n京 I-NS\n的 O\n张 B-NR\n伟 I-NR\n\n新 B-NT\n华 I-NT\n社 I-NT\n"
    instances = list(ChineseNerReader().read(write(tmp_path, text)))
    assert [t.text for t in instances[0]["tokens"]] == ["北", "京", "的", "张", "伟"]
    assert instances[0]["tags"].labels == ["B-LOC", "I-LOC", "O", "B-PER", "I-PER"]
    assert instances[1]["tags"].labels == ["B-ORG", "I-ORG", "I-ORG"]
