"""Each compat patch has a test here that fails without it."""

import os
import subprocess
import sys

from tests import PROJECT_ROOT


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def test_allennlp_models_components_registered_without_plugin_discovery() -> None:
    # No allennlp plugin discovery here: importing our package alone must register the
    # allennlp-models components our configs use.
    result = run_python(
        "import xlt_allennlp\n"
        "from allennlp.models import Model\n"
        "Model.by_name('biaffine_parser'); Model.by_name('crf_tagger')\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_third_party_deprecation_warnings_are_silenced() -> None:
    # resetwarnings(): drop filters installed at start-up (scripts/env.sh's .pth) and defaults.
    code = (
        "import torch\n"
        "torch.cuda.amp.GradScaler(enabled=False)\n"
        "with torch.cuda.amp.autocast(enabled=False):\n"
        "    pass\n"
    )
    reset = "import warnings; warnings.resetwarnings()\n"
    assert "FutureWarning" in run_python(reset + code).stderr  # the noise exists ...
    result = run_python(reset + "import xlt_allennlp\n" + code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "FutureWarning" not in result.stderr  # ... and our import silences it
