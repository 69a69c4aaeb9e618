import json

import pytest

from tests import allennlp_cli
from tests.conftest import ext_vars_set
from xlt_allennlp.common.ext_var_names import ext_vars_read_by
from xlt_allennlp.common.rendered_config import ext_var_summary


def test_print_config_shows_the_rendered_config_and_the_ext_vars_it_read(
    capsys: pytest.CaptureFixture,
) -> None:
    ext_vars = {"lr": "3e-5", "train_path": "en.conllu", "dev_path": "en_dev.conllu"}
    with ext_vars_set(ext_vars):
        allennlp_cli(
            "print-config", "training_configs/pos.jsonnet", "-o", '{"trainer.grad_norm": 5}'
        )
    captured = capsys.readouterr()
    rendered = json.loads(captured.out)
    assert rendered["trainer"]["optimizer"]["lr"] == 3e-5
    assert rendered["trainer"]["grad_norm"] == 5  # overrides applied
    assert rendered["trainer"]["type"] == "exact_resume_gradient_descent"
    assert rendered["data_loader"]["batch_sampler"]["type"] == "subword_bucket"
    assert rendered["train_data_path"] == "en.conllu"
    header = captured.err.splitlines()
    assert "//   lr=3e-5" in header and "//   train_path=en.conllu" in header
    defaults = next(line for line in header if "at their defaults:" in line)
    assert "batch_size" in defaults and "epochs" in defaults and " lr," not in defaults


def test_ext_var_summary_counts_empty_values_as_unset() -> None:
    summary = ext_var_summary(
        "training_configs/pos.jsonnet", {"lr": "", "epochs": "2", "PATH": "/bin"}
    ).splitlines()
    read = len(ext_vars_read_by("training_configs/pos.jsonnet"))
    assert read > 20 and summary[0].endswith(f": {read}, 1 set")
    assert summary[1] == "//   epochs=2"
    assert "lr" in summary[2].split(": ")[1].split(", ")
