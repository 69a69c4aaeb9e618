import subprocess
import sys

import pytest

from xlt_allennlp.common.errors import (
    ConfigError,
    report_config_errors_in_one_line,
    running_allennlp_command,
)
from xlt_allennlp.data.errors import DataFormatError


def test_uncaught_user_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    report_config_errors_in_one_line()
    sys.excepthook(DataFormatError, DataFormatError("de.conllu", 3, "expected 10 columns"), None)
    sys.excepthook(ConfigError, ConfigError("needs the ext var train_path"), None)
    assert capsys.readouterr().err.splitlines() == [
        "error: de.conllu:3: expected 10 columns",
        "error: needs the ext var train_path",
    ]


@pytest.mark.parametrize(
    "argv0, expected",
    [
        ("/venv/bin/allennlp", True),  # the console script
        ("/venv/lib/python3.11/site-packages/allennlp/__main__.py", True),  # python -m allennlp
        ("/venv/bin/pytest", False),
        ("my_script.py", False),
        ("", False),  # python -c / an interactive interpreter
    ],
)
def test_running_allennlp_command(argv0: str, expected: bool) -> None:
    assert running_allennlp_command([argv0]) is expected


def test_importing_the_package_keeps_a_programs_excepthook() -> None:
    # Outside the `allennlp` command, importing the package leaves sys.excepthook alone.
    code = "import sys; hook = sys.excepthook; import xlt_allennlp; assert sys.excepthook is hook"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
