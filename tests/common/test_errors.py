import sys

import pytest

from xlt_allennlp.common.errors import ConfigError, report_config_errors_in_one_line
from xlt_allennlp.data.errors import DataFormatError


def test_uncaught_user_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    report_config_errors_in_one_line()
    sys.excepthook(DataFormatError, DataFormatError("de.conllu", 3, "expected 10 columns"), None)
    sys.excepthook(ConfigError, ConfigError("needs the ext var train_path"), None)
    assert capsys.readouterr().err.splitlines() == [
        "error: de.conllu:3: expected 10 columns",
        "error: needs the ext var train_path",
    ]
