import logging
from pathlib import Path

import pytest
from allennlp.data import Vocabulary
from allennlp.data.data_loaders import MultiProcessDataLoader

from tests import TINY_MBERT, UD_FIXTURES
from tests.data.test_conllu import GOOD, write
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)
from xlt_allennlp.parsing.dataset_readers import UdParsingReader

TWO_WORDS = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_\t_\n"


def read(tmp_path: Path, text: str, **kwargs: object) -> list:
    return list(UdParsingReader(**kwargs).read(write(tmp_path, text)))  # type: ignore[arg-type]


def test_fields_coarse_relations_multiword_tokens_and_empty_nodes(tmp_path: Path) -> None:
    first, second = read(tmp_path, GOOD)
    # "2-3 al" (multiword token), "3.1" (empty node) and comments are not words.
    assert [t.text for t in first["words"]] == ["Vamos", "a", "el", "mar", "."]
    assert first["pos_tags"].labels == ["VERB", "ADP", "DET", "NOUN", "PUNCT"]
    assert first["head_indices"].labels == [0, 4, 4, 1, 1]
    assert first["head_tags"].labels == ["root", "case", "det", "obl", "punct"]  # obl:arg -> obl
    metadata = first["metadata"].metadata
    assert metadata["words"] == ["Vamos", "a", "el", "mar", "."]
    assert metadata["pos"] == ["VERB", "ADP", "DET", "NOUN", "PUNCT"]
    assert metadata["conllu"][0] == "# sent_id = 1" and len(metadata["conllu"]) == 9
    assert second["head_tags"].labels == ["root"]


def test_fine_grained_relations_when_asked(tmp_path: Path) -> None:
    first, _ = read(tmp_path, GOOD, coarse_relations=False)
    assert first["head_tags"].labels[3] == "obl:arg"


def test_unannotated_input_is_for_prediction(tmp_path: Path) -> None:
    text = "1\tHallo\t_\t_\t_\t_\t_\t_\t_\t_\n2\tWelt\t_\t_\t_\t_\t_\t_\t_\t_\n"
    (instance,) = read(tmp_path, text)
    assert set(instance.fields) == {"words", "metadata"}


def test_text_to_instance_for_pretokenized_input() -> None:
    reader = UdParsingReader()
    instance = reader.text_to_instance(["a", "b"], ["DET", "NOUN"], [2, 0], ["det", "nsubj:pass"])
    assert instance["head_tags"].labels == ["det", "nsubj"]
    assert "head_indices" not in reader.text_to_instance(["a"]).fields


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2\tdog\tdog\tNOUN\tNN\t_\tx\troot\t_\t_", r":2: HEAD must be an integer .* found 'x'"),
        ("2\tdog\tdog\tNOUN\tNN\t_\t7\troot\t_\t_", r":2: HEAD 7 is out of range: .* has 2 words"),
        ("2\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_", r":2: expected 10 tab-separated columns"),
        ("2\tdog\tdog\tNOUN\tNN\t_\t0\t_\t_\t_", r":2: DEPREL is '_'; expected a UD v2 relation"),
        ("2\tdog\tdog\tNOUN\tNN\t_\t0\tsubj\t_\t_", r":2: DEPREL is 'subj'; expected a UD v2"),
        ("2\tdog\tdog\tNOUNN\tNN\t_\t0\troot\t_\t_", r":2: UPOS is 'NOUNN'; expected one of"),
    ],
)
def test_malformed_input_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    text = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n" + line + "\n"
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=rf"^{path}{message}"):
        list(UdParsingReader().read(path))


def test_other_relation_sets_can_be_read_without_validation(tmp_path: Path) -> None:
    text = TWO_WORDS.replace("\tdet\t", "\tdobj\t")
    (instance,) = read(tmp_path, text, validate_relations=False)
    assert instance["head_tags"].labels == ["dobj", "root"]


def test_relation_unknown_to_the_model_names_file_and_line(tmp_path: Path) -> None:
    vocab = Vocabulary(tokens_to_add={"head_tags": ["root", "nsubj"], "pos": ["DET", "NOUN"]})
    path = write(tmp_path, TWO_WORDS)
    (instance,) = UdParsingReader().read(path)
    with pytest.raises(DataFormatError, match=rf"{path}:1: label 'det' is unknown to the model"):
        instance.index_fields(vocab)


def test_max_words_skips_long_sentences_and_reports_it(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)  # a 5-word and a 1-word sentence
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("xlt_allennlp.parsing.dataset_readers.ud_parsing")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        kept = list(UdParsingReader(max_words=3).read(path))
        everything = list(UdParsingReader(max_words=None).read(path))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert [len(i["words"]) for i in kept] == [1]
    assert [len(i["words"]) for i in everything] == [5, 1]
    skipped, all_kept = (record.getMessage() for record in records)
    assert records[0].levelno == logging.WARNING
    assert f"{path}: kept 1 sentences, skipped 1 with more than 3 words" in skipped
    assert records[1].levelno == logging.INFO
    assert f"{path}: kept 2 sentences, skipped 0" in all_kept


def test_default_threshold_is_the_papers_140_words() -> None:
    source = str(UD_FIXTURES / "de_test.conllu")  # one sentence of > 300 words
    total = sum(1 for _ in UdParsingReader(max_words=None).read(source))
    lengths = [len(instance["words"]) for instance in UdParsingReader().read(source)]
    assert len(lengths) == total - 1 and max(lengths) <= 140


def test_multiprocess_loading_with_transformer_indexer() -> None:
    reader = UdParsingReader(
        token_indexers={"tokens": PretrainedTransformerFirstSubwordIndexer(TINY_MBERT)}
    )
    path = str(UD_FIXTURES / "en_dev.conllu")
    loader = MultiProcessDataLoader(reader, path, batch_size=16, num_workers=2)
    vocab = Vocabulary.from_instances(loader.iter_instances())
    loader.index_with(vocab)
    batches = list(loader)
    assert sum(batch["head_indices"].size(0) for batch in batches) == 60
    assert {"words", "pos_tags", "head_tags", "head_indices", "metadata"} <= set(batches[0])
