"""Input files named by language, as `evaluate-languages` takes them, for the analyses."""

import re

from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.evaluation.languages import parse_inputs

_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?$")


def language_files(inputs: list[str]) -> list[tuple[str, str, bool]]:
    """`LANG=PATH` items, language-prefixed file names (`de_test.conllu`) and globs ->
    (language, path, whether the language was given as `LANG=`), in argument order. A glob
    matching nothing or a language given twice: `ConfigError`."""
    try:
        pairs = parse_inputs(inputs)
    except (FileNotFoundError, ValueError) as error:
        raise ConfigError(str(error)) from None
    explicit = {item.partition("=")[0] for item in inputs if "=" in item}
    return [(language, path, language in explicit) for language, path in pairs]


def require_language_code(language: str, path: str) -> None:
    """A `ConfigError` naming `path` when its name gave no language code (`test.conllu`)."""
    if not _LANGUAGE_CODE.match(language):
        raise ConfigError(
            f"{path}: no language code prefix in the file name (like de_test.conllu); name "
            f"the language as LANG={path}"
        )
