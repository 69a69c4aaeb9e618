import logging

import pytest

from xlt_allennlp.common.ext_var_names import (
    close_name,
    ext_vars_read_by,
    mistyped_ext_vars,
    warn_about_mistyped_ext_vars,
)

READ = {"lr", "epochs", "batch_size", "head_lr", "encoder", "train_path", "dropout", "seed"}


def test_the_names_a_config_reads_come_from_it_and_its_imports() -> None:
    read = ext_vars_read_by("fixtures/configs/pos.jsonnet")
    # From the fixture config itself, from pos.jsonnet, and from lib/recipe.libsonnet.
    assert {"train_path", "tag_column", "lr", "warmup_ratio", "freeze"} <= read
    assert "XLT_EXT_VARS" not in read


@pytest.mark.parametrize(
    "given, meant",
    [
        ("epoch", "epochs"),  # a small edit away
        ("dropuot", "dropout"),
        ("learning_rate", "lr"),  # known aliases
        ("lr_head", "head_lr"),
        ("model_name_or_path", "encoder"),
        ("LR", "lr"),  # upper case of a read name
        ("lr", None),  # read: nothing to say
        ("PATH", None),  # the environment's own
        ("LANG", None),
        ("HOME", None),
        ("http_proxy", None),
        ("EPOCH", None),  # upper case, not a read name itself
        ("momentum", None),
    ],
)
def test_close_names(given: str, meant: str | None) -> None:
    assert close_name(given, READ) == meant


def test_one_warning_per_name_and_config(caplog: pytest.LogCaptureFixture) -> None:
    given = {"epoch": "1", "lr": "3e-5", "PATH": "/bin", "encoder": "x"}
    assert mistyped_ext_vars(given, READ) == [("epoch", "epochs")]
    config = "fixtures/configs/ner.jsonnet"
    with caplog.at_level(logging.WARNING):
        warn_about_mistyped_ext_vars(config, given)
        warn_about_mistyped_ext_vars(config, given)  # loaded twice: warned once
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "ext var `epoch` is not read by ner.jsonnet; did you mean `epochs`? (it trains with "
        "`epochs`'s default otherwise)"
    ]
