import pytest
import torch
from allennlp.common import Params
from allennlp.training.learning_rate_schedulers import LearningRateScheduler

from xlt_allennlp.training.learning_rate_schedulers import LinearWithWarmupRatio


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
