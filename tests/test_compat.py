"""Each compat patch has a test here that fails without it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allennlp.common import Params

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


def test_jsonnet_ext_vars_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.jsonnet"
    config.write_text(
        f"local args = import '{PROJECT_ROOT}/training_configs/lib/args.libsonnet';\n"
        "{lr: args.json('lr', 5e-5), encoder: args.str('encoder', 'mbert'),"
        " layers: args.json('layers', [1])}\n"
    )
    monkeypatch.delenv("lr", raising=False)
    monkeypatch.delenv("encoder", raising=False)
    monkeypatch.delenv("layers", raising=False)
    assert Params.from_file(str(config)).as_dict() == {
        "lr": 5e-5,
        "encoder": "mbert",
        "layers": [1],
    }
    monkeypatch.setenv("lr", "3e-5")  # from the environment
    params = Params.from_file(str(config), ext_vars={"layers": "[0, 3]"})  # or explicit
    assert params.as_dict() == {"lr": 3e-5, "encoder": "mbert", "layers": [0, 3]}


def test_allennlp_reduce_on_plateau_builds_and_reduces() -> None:
    # Without the patch, building allennlp's own `reduce_on_plateau` raises TypeError
    # (`verbose`) on torch 2.x.
    import torch
    from allennlp.training.learning_rate_schedulers import LearningRateScheduler

    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=1.0)
    params = Params({"type": "reduce_on_plateau", "mode": "max", "factor": 0.5, "patience": 0,
                     "verbose": True})  # fmt: skip
    scheduler = LearningRateScheduler.from_params(params=params, optimizer=optimizer)
    for score in (0.5, 0.6, 0.6, 0.4):  # improve, improve, no, no
        scheduler.step(score)
    assert optimizer.param_groups[0]["lr"] == 0.25
