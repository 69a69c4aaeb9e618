"""A training run killed mid-epoch (SIGKILL, a real process) and finished with `--recover` ends
exactly where the uninterrupted run ends: fine-tuning and the feature-based mode."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from allennlp.commands.train import train_model_from_file

from tests import FIXTURE_CONFIGS, PROJECT_ROOT, UD_FIXTURES
from tests.conftest import TINY_TRAINING, ext_vars_set

# The metrics that must agree: the selected epoch and its dev scores, the last epoch's losses.
COMPARED = ("best_epoch", "best_validation_accuracy", "best_validation_loss", "training_loss")
# Every run on one thread (the same float summation order in the killed process as in this
# one), so the recovered run is computed exactly as the uninterrupted one.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextmanager
def one_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def train(serialization_dir: Path, ext_vars: dict[str, str], recover: bool = False) -> dict:
    """Trains in this process, on one thread like the killed process."""
    with one_thread(), ext_vars_set(ext_vars):
        train_model_from_file(
            str(FIXTURE_CONFIGS / "pos.jsonnet"), str(serialization_dir), recover=recover
        )
    return json.loads((serialization_dir / "metrics.json").read_text())


def train_and_kill_in_second_epoch(serialization_dir: Path, ext_vars: dict[str, str]) -> None:
    """Starts training and SIGKILLs it once the second epoch has trained a batch (its progress
    bar says so; the first epoch's checkpoint is then complete)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "allennlp", "train", str(FIXTURE_CONFIGS / "pos.jsonnet"),
         "-s", str(serialization_dir), "--include-package", "xlt_allennlp"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **ONE_THREAD, **ext_vars},
        stdout=subprocess.PIPE,  # the log (epochs) and, on stderr, the progress bar
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    log = ""
    deadline = time.monotonic() + 300
    try:
        # The progress bar rewrites its line with "\r": read what comes, not lines.
        while not re.search(r"Epoch 1/\d.*?batch_loss", log, re.DOTALL):
            chunk = os.read(process.stdout.fileno(), 65536)
            assert chunk and time.monotonic() < deadline, log[-3000:]
            log += chunk.decode("utf-8", "replace")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, log[-3000:]
    assert not (serialization_dir / "metrics.json").exists()


@pytest.mark.parametrize(
    "strategy",
    [
        {"epochs": "3"},
        # Zero-shot dev (German) stops improving at once: the plateau schedule halves the lr
        # after epochs 1 and 2 and the stop rule ends training after epoch 2 of 6; the killed
        # run must resume both.
        {
            "mode": "feature", "epochs": "6", "lr": "1e-2", "min_lr": "3e-3",
            "dev_path": str(UD_FIXTURES / "de_test.conllu"),
        },
    ],
    ids=["finetune", "feature"],
)  # fmt: skip
def test_killed_run_recovers_to_the_same_result(tmp_path: Path, strategy: dict) -> None:
    ext_vars = {**TINY_TRAINING, **strategy}
    expected = train(tmp_path / "uninterrupted", ext_vars)
    if "mode" in strategy:
        assert expected["epoch"] == 2  # stopped by the rule, not by `epochs`

    interrupted = tmp_path / "interrupted"
    train_and_kill_in_second_epoch(interrupted, ext_vars)
    recovered = train(interrupted, ext_vars, recover=True)

    assert recovered["epoch"] == expected["epoch"]  # the same number of epochs ran
    for name in COMPARED:
        assert recovered[name] == pytest.approx(expected[name], rel=1e-6, abs=1e-7), name
