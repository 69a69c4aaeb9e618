"""Errors raised on malformed input files, and on reader options that leave no input."""

from xlt_allennlp.common.errors import ConfigError


class DataFormatError(ValueError):
    """A data file does not have the expected format.

    The message always starts with ``path:line:`` (or ``path:`` for whole-file problems) and
    says what was expected, so a user can open the file at the right place.
    """

    def __init__(self, path: str, line_number: int | None, message: str) -> None:
        self.path = path
        self.line_number = line_number
        location = f"{path}:{line_number}" if line_number is not None else path
        super().__init__(f"{location}: {message}")


class NothingLeftError(ConfigError, ValueError):
    """A reader option left out every input of a file (a language list that matches none of its
    labels, a `max_words` below every sentence's length, an empty dev hold-out). The message
    names the file, the option and how to keep the inputs. At the command line it is printed as
    one line (a `ConfigError`); it is also a `ValueError`, like `DataFormatError`, so a command
    that reports a bad input file and goes on with the next (`evaluate-languages`) does so here.
    """


class JsonInputError(ValueError):
    """A JSON-lines input that `allennlp predict` (without `--use-dataset-reader`) cannot use:
    the message names the input by its number among the file's non-blank lines (allennlp reads
    the file and skips blank lines itself; the predictor never sees the file name) and quotes
    its beginning."""

    def __init__(self, number: int, line: str, message: str) -> None:
        quoted = line.strip()
        quoted = quoted if len(quoted) <= 80 else quoted[:77] + "..."
        super().__init__(f"JSON input {number} (non-blank line {number}): {message}: {quoted}")


def iter_decoded_lines(path: str, encoding: str = "utf-8"):
    """Yields ``(line_number, text)`` for each line of ``path``, decoded strictly.

    Lines are read as bytes and decoded one at a time so that an undecodable byte is reported
    with its line number instead of a bare ``UnicodeDecodeError``. A UTF-8 byte-order mark at the
    start of the file and the line terminator (``\\n`` or ``\\r\\n``) are removed.
    """
    with open(path, "rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1]
                raise DataFormatError(
                    path,
                    line_number,
                    f"cannot decode byte 0x{bad.hex()} at column {error.start + 1} as {encoding}; "
                    "the file is not in this encoding (set the dataset reader's `encoding` "
                    'option, e.g. "latin-1")',
                ) from None
            if line_number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            if "\x00" in text:
                raise DataFormatError(
                    path,
                    line_number,
                    f"NUL byte (0x00) at column {text.index(chr(0)) + 1}: the file is binary, "
                    "corrupted, or in a 16/32-bit encoding (set the dataset reader's `encoding`)",
                )
            yield line_number, text.rstrip("\r\n")
