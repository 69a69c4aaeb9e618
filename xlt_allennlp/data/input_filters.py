"""Reader options that leave inputs out (language lists, `max_words`, dev hold-outs,
`skip_empty`): one way to report, per file, what they kept and what they left out.

A reader counts, for each file, the inputs it kept and, for each reason, the ones it skipped
(`Skipped`), then calls `log_kept`: a WARNING when a reader option left anything out, INFO
otherwise. When an option leaves nothing of a file, the reader raises `NothingLeftError` with a
message that names the option and how to keep the inputs.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import torch.distributed as dist
from allennlp.common.util import is_distributed
from allennlp.data import DatasetReader

from xlt_allennlp.data.errors import NothingLeftError

__all__ = ["NothingLeftError", "Skipped", "is_first_shard", "kept_summary", "log_kept"]


@dataclass(frozen=True)
class Skipped:
    """`count` inputs of a file left out `why` ("with more than 140 words"), by the reader option
    `option` ("max_words=140"; None when no option asked for it, e.g. pairs without a gold
    label), and what to set to keep them (`keep`: "null keeps every sentence")."""

    count: int
    why: str
    option: Optional[str] = None
    keep: str = ""


def is_first_shard(reader: DatasetReader) -> bool:
    """Whether `reader` reads in the main process, or is the first data-loader worker of the
    first distributed process: the one of the readers of a sharded run that reports a file's
    counts (every shard goes through the whole file, so they all see the same counts)."""
    worker = reader.get_worker_info()
    return (worker is None or worker.id == 0) and _global_rank(reader) == 0


def _global_rank(reader: DatasetReader) -> int:
    """This process's rank in distributed training (0 outside it). allennlp's data loader does
    not give the reader its `DistributedInfo`; `shard_iterable` asks torch, and so does this."""
    distributed = reader.get_distributed_info()
    if distributed is not None:
        return distributed.global_rank
    return dist.get_rank() if is_distributed() else 0


def kept_summary(location: str, kept: int, unit: str, skipped: Sequence[Skipped]) -> str:
    """`PATH: kept 5 sentences, skipped 1 with more than 3 words (reader option max_words=3;
    null keeps every sentence)`; a reason that left nothing out is not listed, unless none
    did (`PATH: kept 6 sentences, skipped 0`)."""
    reasons = [item for item in skipped if item.count]
    if not reasons:
        return f"{location}: kept {kept} {unit}, skipped 0"
    counts = ", ".join(f"skipped {item.count} {item.why}" for item in reasons)
    options = [
        f"reader option {item.option}" + (f"; {item.keep}" if item.keep else "")
        for item in reasons
        if item.option is not None
    ]
    return f"{location}: kept {kept} {unit}, {counts}" + (
        f" ({'; '.join(options)})" if options else ""
    )


def log_kept(
    logger: logging.Logger,
    reader: DatasetReader,
    location: str,
    kept: int,
    unit: str,
    skipped: Sequence[Skipped],
) -> None:
    """Logs `kept_summary` of a file: at WARNING when a reader option left inputs out, at INFO
    otherwise; only in the first shard of a sharded run (`is_first_shard`)."""
    if not is_first_shard(reader):
        return
    dropped = any(item.count and item.option is not None for item in skipped)
    level = logging.WARNING if dropped else logging.INFO
    logger.log(level, "%s", kept_summary(location, kept, unit, skipped))
