"""Mistakes a user makes on the command line (configuration, input files), reported in one
line."""

import os
import sys
from types import TracebackType
from typing import Optional

from allennlp.common.checks import ConfigurationError


class ConfigError(ConfigurationError):
    """A configuration mistake with a message that says everything needed to fix it (a missing
    ext var, an encoder that cannot be loaded offline). Uncaught at the command line, only the
    message is printed, not a traceback (see `report_config_errors_in_one_line`); in a program it
    is an ordinary `ConfigurationError`."""


def _excepthook(
    kind: type[BaseException], error: BaseException, traceback: Optional[TracebackType]
) -> None:
    from xlt_allennlp.data.errors import DataFormatError, JsonInputError  # data/ imports common/

    if isinstance(error, ConfigError):
        print(f"error: {error.message}", file=sys.stderr)
    elif isinstance(error, DataFormatError | JsonInputError):  # where, and what was expected
        print(f"error: {error}", file=sys.stderr)
    else:
        _previous_hook(kind, error, traceback)


_previous_hook = sys.excepthook


def running_allennlp_command(argv: list[str] | None = None) -> bool:
    """Whether this process is the `allennlp` command line (the console script, or `python -m
    allennlp`), as opposed to a program or a test that imports the package."""
    argv = sys.argv if argv is None else argv
    program = os.path.normpath(argv[0]) if argv and argv[0] else ""
    return os.path.basename(program) == "allennlp" or program.endswith(
        os.path.join("allennlp", "__main__.py")
    )


def report_config_errors_in_one_line() -> None:
    """Installs the excepthook that prints an uncaught `ConfigError` or `DataFormatError` (bad
    input file: its message names the file and line) as one line."""
    global _previous_hook
    if sys.excepthook is not _excepthook:
        _previous_hook = sys.excepthook
        sys.excepthook = _excepthook
