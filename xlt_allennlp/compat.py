"""Makes allennlp 2.10.1 work on the pinned stack (Python 3.11, torch 2.x, transformers 4.43).

Applied once, on `import xlt_allennlp`. Every patch has a one-line reason and a test in
tests/test_compat.py that fails without it.
"""

import importlib
import json
import logging
import warnings
from typing import Any

logger = logging.getLogger(__name__)

# allennlp-models subpackages whose registered components we use. allennlp auto-loads
# allennlp_models as a "default plugin", but when any of its many subpackages fails to import
# (missing optional dependency, nltk/pkg_resources problems) it logs one error and silently
# leaves every later subpackage unregistered; importing these explicitly makes our configs work
# regardless.
ALLENNLP_MODELS_SUBPACKAGES = (
    "allennlp_models.structured_prediction",
    "allennlp_models.tagging",
)

# Third-party warnings that say nothing actionable to our users.
_SILENCED_WARNINGS: tuple[tuple[type[Warning], str], ...] = (
    # torch 2.x deprecations hit by allennlp/fairscale code we do not own.
    (FutureWarning, r".*torch\.cuda\.amp\..*"),
    (FutureWarning, r".*torch\.jit\.script.*"),
    (FutureWarning, r".*`torch\.cuda\.amp\.GradScaler.*"),
    (FutureWarning, r".*You are using `torch\.load` with `weights_only=False`.*"),
    # transformers 4.43 on models we built ourselves.
    (FutureWarning, r".*`clean_up_tokenization_spaces` was not set.*"),
    (UserWarning, r".*pkg_resources is deprecated.*"),
)

# Name of the ext var that holds all other ext vars as one JSON object (see
# `expose_ext_vars_to_jsonnet`).
EXT_VARS_KEY = "XLT_EXT_VARS"

_applied = False


def silence_third_party_warnings() -> None:
    """Filters the known, harmless warnings of allennlp's dependencies on this stack."""
    for category, message in _SILENCED_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)


def import_allennlp_models_components() -> None:
    """Imports (and so registers) the allennlp-models components this package builds on."""
    for name in ALLENNLP_MODELS_SUBPACKAGES:
        importlib.import_module(name)


def expose_ext_vars_to_jsonnet() -> None:
    """Lets Jsonnet configs give ext vars default values.

    Jsonnet's `std.extVar` fails on an unset variable and cannot test for one, so a config could
    not run without every variable set. allennlp passes the environment (and any explicit
    `ext_vars`) to Jsonnet; this adds one more ext var, `XLT_EXT_VARS`, holding all of them as a
    JSON object, which `training_configs/lib/args.libsonnet` reads with `std.objectHas`.
    """
    import allennlp.common.params as allennlp_params

    original = allennlp_params.evaluate_file
    if getattr(original, "_xlt_ext_vars", False):
        return

    def evaluate_file(filename: str, **kwargs: Any) -> str:
        ext_vars = dict(kwargs.pop("ext_vars", None) or {})
        ext_vars.setdefault(EXT_VARS_KEY, json.dumps(ext_vars))
        return original(filename, ext_vars=ext_vars, **kwargs)

    evaluate_file._xlt_ext_vars = True  # type: ignore[attr-defined]
    allennlp_params.evaluate_file = evaluate_file


def fix_reduce_on_plateau() -> None:
    """Makes allennlp's `reduce_on_plateau` scheduler buildable on torch 2.x.

    allennlp 2.10 passes `verbose=` to torch's `ReduceLROnPlateau`, which torch removed, so every
    config with `"type": "reduce_on_plateau"` failed with a TypeError. The constructor is
    replaced by one with the same parameters (so `FromParams` reads the same config keys) that
    leaves `verbose` out (torch now logs nothing either way).
    """
    import inspect
    from typing import Union

    import torch
    from allennlp.training.learning_rate_schedulers import pytorch_lr_schedulers as schedulers

    reduce_on_plateau = schedulers.ReduceOnPlateauLearningRateScheduler
    torch_parameters = inspect.signature(torch.optim.lr_scheduler.ReduceLROnPlateau).parameters
    if "verbose" in torch_parameters or getattr(reduce_on_plateau.__init__, "_xlt", False):
        return

    def __init__(  # noqa: N807  (the constructor allennlp's registry builds)
        self: Any,
        optimizer: torch.optim.Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        verbose: bool = False,
        threshold_mode: str = "rel",
        threshold: float = 1e-4,
        cooldown: int = 0,
        min_lr: Union[float, list[float]] = 0,
        eps: float = 1e-8,
    ) -> None:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer=optimizer,
            mode=mode,
            factor=factor,
            patience=patience,
            threshold_mode=threshold_mode,
            threshold=threshold,
            cooldown=cooldown,
            min_lr=min_lr,
            eps=eps,
        )
        schedulers._PyTorchLearningRateSchedulerWithMetricsWrapper.__init__(self, scheduler)

    __init__._xlt = True  # type: ignore[attr-defined]
    reduce_on_plateau.__init__ = __init__  # type: ignore[method-assign]


def apply() -> None:
    """Applies every patch once."""
    global _applied
    if _applied:
        return
    silence_third_party_warnings()
    import_allennlp_models_components()
    expose_ext_vars_to_jsonnet()
    fix_reduce_on_plateau()
    _applied = True
