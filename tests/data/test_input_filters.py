"""Per-file counts of what reader options leave out, and the error when nothing is left."""

import logging
import pickle

import pytest
from allennlp.data import DatasetReader
from allennlp.data.dataset_readers.dataset_reader import DistributedInfo, WorkerInfo

from xlt_allennlp.common import ConfigError
from xlt_allennlp.data import input_filters
from xlt_allennlp.data.input_filters import (
    NothingLeftError,
    Skipped,
    is_first_shard,
    kept_summary,
    log_kept,
)

LOGGER = logging.getLogger("tests.input_filters")
LONG = Skipped(2, "with more than 3 words", "max_words=3", "null keeps every sentence")


def test_summary_names_counts_reasons_and_options() -> None:
    no_majority = Skipped(1, "with gold label '-'")
    assert kept_summary("a.conllu", 5, "sentences", [LONG, no_majority, Skipped(0, "empty")]) == (
        "a.conllu: kept 5 sentences, skipped 2 with more than 3 words, skipped 1 with gold "
        "label '-' (reader option max_words=3; null keeps every sentence)"
    )
    assert kept_summary("a.conllu", 5, "sentences", [Skipped(0, "long", "max_words=3")]) == (
        "a.conllu: kept 5 sentences, skipped 0"
    )


@pytest.mark.parametrize(
    ("skipped", "level"),
    [
        ([LONG], logging.WARNING),  # a reader option left inputs out
        ([Skipped(0, "long", "max_words=3")], logging.INFO),  # it left nothing out
        ([Skipped(4, "with gold label '-'")], logging.INFO),  # no option asked for it
    ],
)
def test_warning_only_when_an_option_left_inputs_out(
    caplog: pytest.LogCaptureFixture, skipped: list[Skipped], level: int
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER.name):
        log_kept(LOGGER, DatasetReader(), "a.conllu", 5, "sentences", skipped)
    (record,) = caplog.records
    assert record.levelno == level and record.getMessage().startswith("a.conllu: kept 5")


@pytest.mark.parametrize(
    ("worker", "distributed", "first"),
    [
        (None, None, True),
        (WorkerInfo(2, 0), None, True),
        (WorkerInfo(2, 1), None, False),
        (None, DistributedInfo(2, 1), False),
        (WorkerInfo(2, 0), DistributedInfo(2, 1), False),
        (WorkerInfo(2, 0), DistributedInfo(2, 0), True),
    ],
)
def test_only_the_first_shard_reports(
    caplog: pytest.LogCaptureFixture,
    worker: WorkerInfo | None,
    distributed: DistributedInfo | None,
    first: bool,
) -> None:
    reader = DatasetReader()
    reader._set_worker_info(worker)
    reader._set_distributed_info(distributed)
    assert is_first_shard(reader) == first
    with caplog.at_level(logging.INFO, logger=LOGGER.name):
        log_kept(LOGGER, reader, "a.conllu", 5, "sentences", [LONG])
    assert len(caplog.records) == int(first)


@pytest.mark.parametrize("rank", [0, 1])
def test_a_distributed_process_without_distributed_info_asks_torch(
    monkeypatch: pytest.MonkeyPatch, rank: int
) -> None:
    # allennlp's data loaders set the reader's worker info but not its distributed info.
    monkeypatch.setattr(input_filters, "is_distributed", lambda: True)
    monkeypatch.setattr(input_filters.dist, "get_rank", lambda: rank)
    assert is_first_shard(DatasetReader()) == (rank == 0)


def test_nothing_left_is_a_one_line_config_error_and_a_value_error() -> None:
    error = NothingLeftError("a.conllu: 0 of 2 sentences kept: ... max_words=3 ...")
    assert isinstance(error, ConfigError) and isinstance(error, ValueError)
    assert str(error) == error.message == "a.conllu: 0 of 2 sentences kept: ... max_words=3 ..."
    again = pickle.loads(pickle.dumps(error))  # from a data-loader worker to the main process
    assert type(again) is NothingLeftError and again.message == error.message
