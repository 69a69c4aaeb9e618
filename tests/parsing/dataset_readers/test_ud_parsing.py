import logging
from pathlib import Path

import pytest
from allennlp.data import Vocabulary
from allennlp.data.data_loaders import MultiProcessDataLoader
from allennlp.data.dataset_readers.dataset_reader import WorkerInfo

from tests import TINY_MBERT, UD_FIXTURES
from tests.data.test_conllu import GOOD, write
from xlt_allennlp.common import ConfigError
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError
from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)
from xlt_allennlp.parsing.dataset_readers import UdParsingReader

READER_LOGGER = "xlt_allennlp.parsing.dataset_readers.ud_parsing"
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


def test_max_words_skips_long_sentences_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, GOOD)  # a 5-word and a 1-word sentence
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        kept = list(UdParsingReader(max_words=3).read(path))
    assert [len(i["words"]) for i in kept] == [1]
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"{path}: kept 1 sentences, skipped 1 with more than 3 words (reader option "
        "max_words=3; null keeps every sentence)"
    )


@pytest.mark.parametrize("max_words", [None, 5])
def test_no_warning_when_max_words_keeps_every_sentence(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, max_words: int | None
) -> None:
    path = write(tmp_path, GOOD)
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        everything = list(UdParsingReader(max_words=max_words).read(path))
    assert [len(i["words"]) for i in everything] == [5, 1]
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"{path}: kept 2 sentences, skipped 0"


def test_counts_are_per_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    long_path = write(tmp_path, GOOD)
    short = write(tmp_path, TWO_WORDS, "short.conllu")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(UdParsingReader(max_words=3).read(f"{long_path},{short}"))
    assert [len(i["words"]) for i in instances] == [1, 2]
    assert [(r.levelno, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        (logging.WARNING, f"{long_path}: kept 1 sentences, skipped 1 with more than 3 words"),
        (logging.INFO, f"{short}: kept 1 sentences, skipped 0"),
    ]


def test_max_words_leaving_nothing_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    short = write(tmp_path, TWO_WORDS, "short.conllu")
    with pytest.raises(NothingLeftError) as error:
        list(UdParsingReader(max_words=1).read(short))
    assert isinstance(error.value, ConfigError)
    assert str(error.value) == (
        f"{short}: 0 of 1 sentences kept: all are longer than max_words=1 words; raise the "
        "reader option max_words, or set it to null to keep every sentence"
    )


@pytest.mark.parametrize("worker", [0, 1])
def test_each_shard_skips_by_the_whole_file_and_only_the_first_reports(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, worker: int
) -> None:
    path = write(tmp_path, GOOD + "\n" + TWO_WORDS + "\n" + TWO_WORDS)  # 5, 1, 2, 2 words
    reader = UdParsingReader(max_words=3)
    reader._set_worker_info(WorkerInfo(num_workers=2, id=worker))
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        lengths = [len(instance["words"]) for instance in reader.read(path)]
    assert lengths == ([1, 2] if worker == 0 else [2])  # the kept sentences, dealt in turn
    warning = (
        f"{path}: kept 3 sentences, skipped 1 with more than 3 words (reader option "
        "max_words=3; null keeps every sentence)"
    )
    assert [record.getMessage() for record in caplog.records] == ([warning] if worker == 0 else [])
    short = write(tmp_path, TWO_WORDS, "short.conllu")
    reader.max_words = 1
    with pytest.raises(NothingLeftError, match="max_words=1"):  # in every shard
        list(reader.read(short))


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
