from pathlib import Path

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader, Vocabulary
from allennlp.data.data_loaders import MultiProcessDataLoader

from tests import UD_FIXTURES
from tests.data.test_conllu import GOOD, write
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.tagging.dataset_readers import UdPosReader


def test_fields_upos_and_skipped_lines(tmp_path: Path) -> None:
    instances = list(UdPosReader().read(write(tmp_path, GOOD)))
    assert len(instances) == 2
    first = instances[0]
    assert [t.text for t in first["tokens"]] == ["Vamos", "a", "el", "mar", "."]
    assert first["tags"].labels == ["VERB", "ADP", "DET", "NOUN", "PUNCT"]
    metadata = first["metadata"].metadata
    assert metadata["words"] == ["Vamos", "a", "el", "mar", "."]
    assert metadata["conllu"][1] == "# text = Vamos al mar."
    assert metadata["tag_column"] == "upos"


def test_xpos_column(tmp_path: Path) -> None:
    text = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_\t_\n"
    (instance,) = UdPosReader(tag_column="xpos").read(write(tmp_path, text))
    assert instance["tags"].labels == ["DT", "NN"]


def test_edge_case_fixture_has_no_empty_nodes_or_multiword_tokens_as_words() -> None:
    path = UD_FIXTURES / "en_edge_cases.conllu"
    for instance in UdPosReader().read(str(path)):
        lines = instance["metadata"].metadata["conllu"]
        word_lines = [line for line in lines if line.split("\t")[0].isdigit()]
        assert len(instance["tokens"]) == len(word_lines)
        assert len(instance["tags"].labels) == len(word_lines)


def test_unannotated_file_gives_instances_without_tags(tmp_path: Path) -> None:
    text = "1\tHallo\t_\t_\t_\t_\t_\t_\t_\t_\n2\tWelt\t_\t_\t_\t_\t_\t_\t_\t_\n"
    (instance,) = UdPosReader().read(write(tmp_path, text))
    assert "tags" not in instance.fields


def test_unknown_upos_names_file_line_and_tagset(tmp_path: Path) -> None:
    text = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUNN\tNN\t_\t0\troot\t_\t_\n"
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=rf"{path}:2: UPOS is 'NOUNN'; expected one of .*ADJ"):
        list(UdPosReader().read(path))


def test_missing_tag_in_annotated_sentence(tmp_path: Path) -> None:
    text = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\t_\tNN\t_\t0\troot\t_\t_\n"
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=rf"{path}:2: UPOS is '_'"):
        list(UdPosReader().read(path))


def test_encoding_option(tmp_path: Path) -> None:
    text = "1\tMüller\tx\tPROPN\t_\t_\t0\troot\t_\t_\n"
    path = write(tmp_path, text.encode("latin-1"))
    with pytest.raises(DataFormatError, match=rf"{path}:1: cannot decode"):
        list(UdPosReader().read(path))
    (instance,) = UdPosReader(encoding="latin-1").read(path)
    assert instance["tokens"][0].text == "Müller"


def test_registered_and_works_with_worker_processes() -> None:
    reader = DatasetReader.from_params(Params({"type": "ud_pos"}))
    path = str(UD_FIXTURES / "en_dev.conllu")
    expected = [inst["metadata"].metadata["words"] for inst in reader.read(path)]
    loader = MultiProcessDataLoader(reader, path, batch_size=8, num_workers=2)
    seen = sorted(tuple(inst["metadata"].metadata["words"]) for inst in loader.iter_instances())
    assert seen == sorted(tuple(words) for words in expected)
    loader.index_with(Vocabulary.from_instances(loader.iter_instances()))
    assert sum(len(batch["metadata"]) for batch in loader) == len(expected)


def test_label_unseen_in_training_names_file_and_line(tmp_path: Path) -> None:
    reader = UdPosReader(tag_column="xpos")
    train = write(tmp_path, "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n", "train.conllu")
    vocab = Vocabulary.from_instances(reader.read(train))
    text = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\tNNX\t_\t0\troot\t_\t_\n"
    path = write(tmp_path, text, "test.conllu")
    (instance,) = reader.read(path)
    with pytest.raises(
        DataFormatError, match=rf"{path}:2: label 'NNX' is unknown .*known labels: DT"
    ):
        instance.index_fields(vocab)
