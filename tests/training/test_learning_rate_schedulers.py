import json
from pathlib import Path
from typing import Any

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.training import GradientDescentTrainer
from allennlp.training.callbacks import TrainerCallback
from allennlp.training.learning_rate_schedulers import LearningRateScheduler

from tests import UD_FIXTURES
from tests.conftest import TINY_TRAINING, train_config
from xlt_allennlp.training.learning_rate_schedulers import (
    LinearWithWarmupRatio,
    ReduceOnValidationPlateau,
)


def make(num_epochs: int, steps_per_epoch: int, ratio: float = 0.1) -> LinearWithWarmupRatio:
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=5e-5)
    return LearningRateScheduler.from_params(  # type: ignore[return-value]
        Params({"type": "linear_with_warmup_ratio", "warmup_ratio": ratio}),
        optimizer=optimizer,
        num_epochs=num_epochs,
        num_steps_per_epoch=steps_per_epoch,
    )


def lr_at(scheduler: LinearWithWarmupRatio, step: int) -> float:
    scheduler.step_batch(step)
    return scheduler.optimizer.param_groups[0]["lr"]


def test_lr_at_key_points_equals_hand_computed_values() -> None:
    # 4 epochs x 50 steps = 200 steps; warmup = 10% = 20 steps; peak 5e-5.
    scheduler = make(4, 50)
    assert scheduler.warmup_steps == 20
    assert lr_at(scheduler, 0) == 0.0
    assert lr_at(scheduler, 10) == pytest.approx(2.5e-5)  # half-way through warmup
    assert lr_at(scheduler, 20) == pytest.approx(5e-5)  # 10%: the peak
    # 50%: step 100, decay (200 - 100) / (200 - 20) of the peak
    assert lr_at(scheduler, 100) == pytest.approx(5e-5 * 100 / 180)
    assert lr_at(scheduler, 200) == 0.0  # 100%


def test_ratio_not_step_count_follows_data_size() -> None:
    assert make(3, 1000).warmup_steps == 300
    assert make(3, 7).warmup_steps == 2  # round(2.1)
    assert make(2, 10, ratio=0.0).warmup_steps == 0


def test_rejects_bad_ratio() -> None:
    with pytest.raises(ValueError, match="warmup_ratio"):
        make(1, 10, ratio=1.5)


@TrainerCallback.register("_test_record_learning_rates")
class RecordLearningRates(TrainerCallback):
    """Test helper: the scheduler's step counts and the learning rate of every optimizer step."""

    runs: list[dict] = []

    def on_start(self, trainer: GradientDescentTrainer, is_primary: bool = True, **_: Any) -> None:
        super().on_start(trainer, is_primary)
        scheduler = trainer._learning_rate_scheduler
        self.record = {"total": scheduler.total_steps, "warmup": scheduler.warmup_steps, "lrs": []}
        RecordLearningRates.runs.append(self.record)

    def on_batch(self, trainer: GradientDescentTrainer, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("is_training"):  # called once per optimizer step, after it
            self.record["lrs"].append(trainer.optimizer.param_groups[0]["lr"])


def test_total_steps_are_optimizer_steps_with_gradient_accumulation(tmp_path: Path) -> None:
    # 300 training sentences in batches of 16: 19 batches per epoch; accumulating 2 batches per
    # optimizer step gives ceil(19 / 2) = 10 optimizer steps per epoch, 20 in 2 epochs, 2 warmup.
    overrides = json.dumps(
        {
            "trainer.num_gradient_accumulation_steps": 2,
            "trainer.callbacks": [{"type": "_test_record_learning_rates"}],
        }
    )
    ext_vars = {**TINY_TRAINING, "epochs": "2", "train_path": str(UD_FIXTURES / "en_train.conllu")}
    RecordLearningRates.runs.clear()
    train_config("pos.jsonnet", tmp_path / "run", ext_vars, overrides)
    (record,) = RecordLearningRates.runs
    peak = float(TINY_TRAINING["lr"])
    assert (record["total"], record["warmup"]) == (20, 2)
    lrs = record["lrs"]
    assert len(lrs) == 20  # the optimizer stepped exactly as often as the schedule assumes
    assert lrs[:2] == pytest.approx([peak / 2, peak])  # warmup: the first 10% of the steps
    assert lrs[9] == pytest.approx(peak * (20 - 10) / 18)  # half-way
    assert lrs[-2] > 0 and lrs[-1] == 0.0  # the decay reaches 0 at the very last step


def test_plateau_halves_only_without_a_new_best() -> None:
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    scheduler = LearningRateScheduler.from_params(
        Params({"type": "reduce_on_validation_plateau"}), optimizer=optimizer
    )
    assert isinstance(scheduler, ReduceOnValidationPlateau)
    lrs = []
    # The trainer passes its signed score: higher is better for "+acc" and "-loss" alike.
    for score in [0.50, 0.60, 0.60, 0.55, 0.70, -1.0, 0.71]:
        scheduler.step(score)
        lrs.append(optimizer.param_groups[0]["lr"])
    assert lrs == pytest.approx([1e-3, 1e-3, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4, 1.25e-4])
    state = scheduler.state_dict()
    assert state["mode"] == "max" and state["best"] == 0.71
    for _ in range(10):  # no lower bound: the stop rule decides when it is small enough
        scheduler.step(0.0)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(1.25e-4 / 2**10)


def test_plateau_needs_a_validation_metric() -> None:
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    with pytest.raises(ConfigurationError, match="requires a validation metric"):
        ReduceOnValidationPlateau(optimizer).step(None)


def test_allennlp_reduce_on_plateau_builds_and_reduces() -> None:
    # Without our subclass registered under allennlp's name, building allennlp's own
    # `reduce_on_plateau` raises TypeError (`verbose`) on torch 2.x.
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=1.0)
    params = Params({"type": "torch2_reduce_on_plateau", "mode": "max", "factor": 0.5,
                     "patience": 0, "verbose": True})  # fmt: skip
    scheduler = LearningRateScheduler.from_params(params=params, optimizer=optimizer)
    for score in (0.5, 0.6, 0.6, 0.4):  # improve, improve, no, no
        scheduler.step(score)
    assert optimizer.param_groups[0]["lr"] == 0.25
