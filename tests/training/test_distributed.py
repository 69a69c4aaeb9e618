"""allennlp's own distributed training (torch DDP, 2 CPU processes with gloo) via `workers`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allennlp.common import Params

from tests import FIXTURE_CONFIGS, PROJECT_ROOT, UD_FIXTURES
from xlt_allennlp.common import ConfigError
from xlt_allennlp.evaluation.languages import evaluate_languages


def test_workers_ext_var_sets_the_distributed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("workers", "2")
    params = Params.from_file(str(FIXTURE_CONFIGS / "ner.jsonnet")).as_dict()
    assert params["distributed"] == {"cuda_devices": [-1, -1]}
    monkeypatch.setenv("test_path", "x.conllu")
    with pytest.raises(ConfigError, match="pos.jsonnet: test_path cannot be used with distributed"):
        Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"))
    monkeypatch.delenv("workers")
    monkeypatch.delenv("test_path")
    params = Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet")).as_dict()
    assert "distributed" not in params


def test_two_cpu_workers_train_pos_and_archive_evaluates(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "workers": "2",
        "lr": "2e-3",
        "head_lr": "none",
        "epochs": "3",
        "batch_size": "16",
        "train_path": str(UD_FIXTURES / "en_train.conllu"),
    }
    run = tmp_path / "run"
    command = [sys.executable, "-m", "allennlp", "train", "fixtures/configs/pos.jsonnet",
               "-s", str(run)]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    log = (run / "out_worker0.log").read_text() + result.stderr + result.stdout
    assert "World size: 2" in log
    # Each worker reads half of the 300 sentences: ceil(150 / 16) = 10 steps per epoch, and
    # the warmup ratio is taken of those 3 x 10 optimizer steps.
    assert re.search(r"linear_with_warmup_ratio: 30 optimizer steps, 3 of them warmup", log)
    assert json.loads((run / "metrics.json").read_text())["best_validation_accuracy"] >= 0.9

    # The archive evaluates (in-process: the `allennlp evaluate` CLI is nothing of ours).
    archive = str(run / "model.tar.gz")
    results = evaluate_languages(archive, [str(UD_FIXTURES / "en_test.conllu")]).scores
    assert results["en"]["accuracy"] > 0.5
