"""Makes allennlp 2.10.1 work on the pinned stack (Python 3.11, torch 2.x, transformers 5).

Applied once, on `import xlt_allennlp`; what must exist before allennlp is imported is added by
the start-up hook (`xlt_allennlp_startup`). Every patch has a one-line reason and a test in
tests/test_compat.py that fails without it. (Components that replace allennlp's are registered
under the package's own names by their own modules, e.g. `torch2_reduce_on_plateau` in
`xlt_allennlp.training`; the ext-var machinery
of the configs is in `xlt_allennlp.common.ext_vars`.)

The private allennlp / allennlp-models / torch names the package relies on are listed in
`xlt_allennlp.private_api`.
"""

import functools
import importlib
import logging
import warnings

from xlt_allennlp_startup import STARTUP_WARNINGS

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

# Third-party warnings that say nothing actionable to our users: the one list of them (those
# raised while allennlp itself is imported, before any plugin runs, are filtered at start-up by
# `xlt_allennlp_startup`).
SILENCED_WARNINGS: tuple[tuple[type[Warning], str], ...] = (
    *STARTUP_WARNINGS,
    (FutureWarning, r".*`torch\.cuda\.amp\.GradScaler.*"),
    (FutureWarning, r".*You are using `torch\.load` with `weights_only=False`.*"),
    # transformers 4.43 on models we built ourselves.
    (FutureWarning, r".*`clean_up_tokenization_spaces` was not set.*"),
    (UserWarning, r".*pkg_resources is deprecated.*"),
)

_applied = False


def silence_third_party_warnings() -> None:
    """Filters the known, harmless warnings of allennlp's dependencies on this stack."""
    for category, message in SILENCED_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)


def accept_tokenizer_special_tokens_argument() -> None:
    """transformers 4.44+ refuses the `add_special_tokens=` that allennlp's tokenizer passes to
    `AutoTokenizer.from_pretrained` (4.43 stored it and ignored it): drop it there."""
    from allennlp.common import cached_transformers

    get_tokenizer = cached_transformers.get_tokenizer
    if hasattr(get_tokenizer, "__wrapped__"):
        return

    @functools.wraps(get_tokenizer)
    def get_tokenizer_without_special_tokens_argument(model_name: str, **kwargs):
        kwargs.pop("add_special_tokens", None)
        return get_tokenizer(model_name, **kwargs)

    cached_transformers.get_tokenizer = get_tokenizer_without_special_tokens_argument


def restore_tokenizer_encode_plus() -> None:
    """transformers 5 removed `encode_plus`, which allennlp's tokenizer calls: it was the
    tokenizer's `__call__` on one text or a pair."""
    from transformers import PreTrainedTokenizerBase

    if not hasattr(PreTrainedTokenizerBase, "encode_plus"):

        def encode_plus(self, text, text_pair=None, **kwargs):
            return self(text, text_pair, **kwargs)

        PreTrainedTokenizerBase.encode_plus = encode_plus


def hide_weight_loading_progress_bar() -> None:
    """transformers 5 draws a "Loading weights" progress bar on every `from_pretrained`: one
    per model load and command, and noise in every log."""
    from transformers.utils import logging as transformers_logging

    if hasattr(transformers_logging, "disable_progress_bar"):
        transformers_logging.disable_progress_bar()


def import_allennlp_models_components() -> None:
    """Imports (and so registers) the allennlp-models components this package builds on."""
    for name in ALLENNLP_MODELS_SUBPACKAGES:
        importlib.import_module(name)


def apply() -> None:
    """Applies every patch once."""
    global _applied
    if _applied:
        return
    silence_third_party_warnings()
    accept_tokenizer_special_tokens_argument()
    restore_tokenizer_encode_plus()
    hide_weight_loading_progress_bar()
    import_allennlp_models_components()
    _applied = True
