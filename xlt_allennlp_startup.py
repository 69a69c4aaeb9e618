"""Start-up hook: what must exist before allennlp 2.10.1 is imported on the pinned stack.

allennlp imports two names at its own import, before any plugin (`--include-package`,
`.allennlp_plugins`) can run, that transformers 5 and huggingface_hub 1 no longer have:

- `transformers.AdamW` (removed in transformers 4.50): `allennlp.training.optimizers` subclasses
  it for its `huggingface_adamw` optimizer;
- `huggingface_hub.HfFolder` and `huggingface_hub.Repository` (removed in huggingface_hub 1.0):
  `allennlp.common.push_to_hf` imports them.

A `.pth` line in the environment runs `install()` when Python starts: scripts/env.sh writes it
into the project's venv, `python -m xlt_allennlp_startup` into the environment of the Python
that runs it. `install()` imports nothing heavy: it puts a finder on `sys.meta_path` that adds
each missing name just before allennlp imports the module that needs it, and it filters the
warnings allennlp's dependencies raise while allennlp is imported (`STARTUP_WARNINGS`). On a stack
that still has the names it adds nothing. Everything else that needs patching happens on
`import xlt_allennlp` (`xlt_allennlp.compat`).
"""

from __future__ import annotations

import importlib.abc
import sys
import sysconfig
import warnings
from collections.abc import Callable
from pathlib import Path

# Third-party warnings raised while allennlp itself is imported, before any plugin can filter
# them (xlt_allennlp.compat silences these and the later ones).
STARTUP_WARNINGS: tuple[tuple[type[Warning], str], ...] = (
    # torch 2.x deprecations hit by allennlp/fairscale code we do not own.
    (FutureWarning, r".*torch\.(cuda\.amp|jit\.script)"),
)

PTH_NAME = "xlt_allennlp_startup.pth"
PTH_LINE = "import xlt_allennlp_startup; xlt_allennlp_startup.install()\n"


def add_transformers_adamw() -> None:
    """`transformers.AdamW` as allennlp's `huggingface_adamw` calls it, on torch's AdamW."""
    import torch
    import transformers

    if hasattr(transformers, "AdamW"):  # (not `dir()`: it costs 0.2 s on transformers 5)
        return

    class AdamW(torch.optim.AdamW):
        """transformers' former AdamW (eps default 1e-6) with bias correction, as torch's."""

        def __init__(
            self,
            params,
            lr: float = 1e-3,
            betas: tuple[float, float] = (0.9, 0.999),
            eps: float = 1e-6,
            weight_decay: float = 0.0,
            correct_bias: bool = True,
            no_deprecation_warning: bool = False,
        ) -> None:
            if not correct_bias:
                raise ValueError(
                    "huggingface_adamw with correct_bias=false needs transformers<4.50; "
                    "use the `adamw` optimizer (torch's, always bias-corrected)"
                )
            super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    transformers.AdamW = AdamW


def add_huggingface_hub_folder() -> None:
    """`huggingface_hub.HfFolder` (its `get_token`) and a `Repository` that says it is gone."""
    import huggingface_hub

    if not hasattr(huggingface_hub, "HfFolder"):

        class HfFolder:
            get_token = staticmethod(huggingface_hub.get_token)

        huggingface_hub.HfFolder = HfFolder
    if not hasattr(huggingface_hub, "Repository"):

        class Repository:
            def __init__(self, *args, **kwargs) -> None:
                raise NotImplementedError(
                    "allennlp's push-to-hub needs huggingface_hub<1 (git-based Repository); "
                    "upload the archive with `hf upload` instead"
                )

        huggingface_hub.Repository = Repository


# allennlp module -> what must exist before it is imported.
PATCHES: dict[str, Callable[[], None]] = {
    "allennlp.common.push_to_hf": add_huggingface_hub_folder,
    "allennlp.training.optimizers": add_transformers_adamw,
}


class PatchBeforeImport(importlib.abc.MetaPathFinder):
    """Runs each patch once, just before its module is imported; finds no module itself."""

    def __init__(self, patches: dict[str, Callable[[], None]]) -> None:
        self.patches = dict(patches)

    def find_spec(self, fullname: str, path=None, target=None) -> None:
        patch = self.patches.pop(fullname, None)
        if patch is not None:
            patch()
        return None


def install() -> None:
    """Filters the start-up warnings and installs the finder (once per interpreter)."""
    for category, message in STARTUP_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    if not any(isinstance(finder, PatchBeforeImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, PatchBeforeImport(PATCHES))


def write_pth(site_packages: str | None = None) -> Path:
    """Writes the `.pth` line that calls `install()` at start-up; returns its path."""
    directory = Path(site_packages or sysconfig.get_paths()["purelib"])
    path = directory / PTH_NAME
    path.write_text(PTH_LINE)
    return path


if __name__ == "__main__":
    print(f"wrote {write_pth()}")
