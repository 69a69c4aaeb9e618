"""Makes allennlp 2.10.1 work on the pinned stack (Python 3.11, torch 2.x, transformers 4.43).

Applied once, on `import xlt_allennlp`. Every patch has a one-line reason and a test in
tests/test_compat.py that fails without it. (Components that replace allennlp's are registered
under the package's own names by their own modules, e.g. `torch2_reduce_on_plateau` in
`xlt_allennlp.training`; the ext-var machinery
of the configs is in `xlt_allennlp.common.ext_vars`.)

The private allennlp / allennlp-models / torch names the package relies on are listed in
`xlt_allennlp.private_api`.
"""

import importlib
import logging
import warnings

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

# Third-party warnings that say nothing actionable to our users: the one list of them
# (scripts/env.sh writes the ones raised while allennlp itself is imported, before any plugin
# runs, into a start-up .pth of the venv from `STARTUP_WARNINGS`).
STARTUP_WARNINGS: tuple[tuple[type[Warning], str], ...] = (
    # torch 2.x deprecations hit by allennlp/fairscale code we do not own.
    (FutureWarning, r".*torch\.(cuda\.amp|jit\.script)"),
)
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


def startup_filter_line() -> str:
    """The `.pth` line (Python code run at interpreter start-up) for `STARTUP_WARNINGS`."""
    filters = "; ".join(
        f"warnings.filterwarnings('ignore', message={message!r}, category={category.__name__})"
        for category, message in STARTUP_WARNINGS
    )
    return f"import warnings; {filters}"


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
    import_allennlp_models_components()
    _applied = True
