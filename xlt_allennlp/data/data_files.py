"""The files a reader's `file_path` names: one, several (comma-separated) or glob patterns."""

import glob
from collections.abc import Callable, Iterator
from typing import TypeVar

from allennlp.common.file_utils import cached_path

T = TypeVar("T")


def data_files(file_path: str) -> list[str]:
    """Local paths of the files in `file_path`: a path or URL, or several separated by commas
    (`en_train.conllu,de_train.conllu`), each possibly a glob pattern (`ud/*_train.conllu`,
    matches sorted). For multi-source training: `train_path=en.conllu,de.conllu` in any task
    config. A pattern that matches nothing is an error naming it."""
    paths: list[str] = []
    for item in (part.strip() for part in str(file_path).split(",")):
        if not item:
            continue
        if glob.has_magic(item) and "://" not in item:
            matches = sorted(glob.glob(item))
            if not matches:
                raise FileNotFoundError(f"no file matches {item!r} (in {file_path!r})")
            paths.extend(matches)
        else:
            paths.append(item)
    if not paths:
        raise FileNotFoundError(f"no data file in {file_path!r}")
    return [cached_path(path) for path in paths]


def read_each(file_path: str, read: Callable[[str], Iterator[T]]) -> Iterator[T]:
    """`read(path)` of every file in `file_path`, one after the other, in order."""
    for path in data_files(file_path):
        yield from read(path)
