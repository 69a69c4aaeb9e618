"""Each compat patch has a test here that fails without it."""

import os
import subprocess
import sys

from tests import PROJECT_ROOT


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def test_allennlp_models_components_registered_without_plugin_discovery() -> None:
    # No allennlp plugin discovery here: importing our package alone must register the
    # allennlp-models components our configs use.
    result = run_python(
        "import xlt_allennlp\n"
        "from allennlp.models import Model\n"
        "Model.by_name('biaffine_parser'); Model.by_name('crf_tagger')\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_third_party_deprecation_warnings_are_silenced() -> None:
    # resetwarnings(): drop filters installed at start-up (scripts/env.sh's .pth) and defaults.
    code = (
        "import torch\n"
        "torch.cuda.amp.GradScaler(enabled=False)\n"
        "with torch.cuda.amp.autocast(enabled=False):\n"
        "    pass\n"
    )
    reset = "import warnings; warnings.resetwarnings()\n"
    assert "FutureWarning" in run_python(reset + code).stderr  # the noise exists ...
    result = run_python(reset + "import xlt_allennlp\n" + code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "FutureWarning" not in result.stderr  # ... and our import silences it


# Start-up hook (xlt_allennlp_startup): names allennlp imports before any plugin runs.
WITHOUT_HOOK = (
    "import sys\n"
    "sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != 'PatchBeforeImport']\n"
)


def test_allennlp_imports_only_with_the_start_up_line(tmp_path) -> None:
    # transformers 5 has no AdamW, huggingface_hub 1 no HfFolder/Repository: without the hook,
    # allennlp's own import fails; the .pth line `python -m xlt_allennlp_startup` writes into an
    # environment installs the hook again, and allennlp imports (the package is never imported).
    from xlt_allennlp_startup import write_pth

    path = write_pth(str(tmp_path))
    assert path.name == "xlt_allennlp_startup.pth"
    code = WITHOUT_HOOK + (
        "try:\n"
        "    from allennlp.commands import main\n"
        "except ImportError as error:\n"
        "    print('without the hook:', error)\n"
        "for name in [m for m in sys.modules if m.split('.')[0] == 'allennlp']:\n"
        "    del sys.modules[name]\n"
        f"import site; site.addsitedir({str(tmp_path)!r})\n"
        "from allennlp.commands import main\n"
        "assert 'xlt_allennlp' not in sys.modules\n"
        "print('with the hook: imported')\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "without the hook: cannot import name 'HfFolder'" in result.stdout
    assert "with the hook: imported" in result.stdout


def test_patches_on_transformers_5() -> None:
    # One process: what the start-up hook adds (used as allennlp uses it), then what fails
    # before `import xlt_allennlp` and works after it.
    code = """
import sys, torch
from allennlp.common import Params
from allennlp.training.optimizers import Optimizer
from allennlp.data.tokenizers import PretrainedTransformerTokenizer
from transformers import AutoModel

p = torch.nn.Parameter(torch.ones(2))
adamw = {'type': 'huggingface_adamw', 'lr': 0.1}
opt = Optimizer.from_params(model_parameters=[('p', p)], params=Params(adamw))
(p * torch.tensor([1.0, -1.0])).sum().backward(); opt.step()
print('adamw step:', [round(x, 4) for x in p.tolist()])
try:
    no_bias = {'type': 'huggingface_adamw', 'correct_bias': False}
    Optimizer.from_params(model_parameters=[('p', p)], params=Params(no_bias))
except ValueError as error:
    print('refused:', error)
from allennlp.common.push_to_hf import push_to_hf
from huggingface_hub import Repository
try:
    Repository('x')
except NotImplementedError as error:
    print('push:', error)

def tokenize():
    t = PretrainedTransformerTokenizer('fixtures/encoders/tiny-xlmr')
    bare = PretrainedTransformerTokenizer('fixtures/encoders/tiny-xlmr', add_special_tokens=False)
    pair = bare.add_special_tokens(bare.tokenize('a'), bare.tokenize('b'))
    return [x.text for x in t.tokenize('a b')], [x.text for x in pair]

try:
    tokenize()
except Exception as error:
    print('tokenizer without the package:', type(error).__name__)
print('LOAD 1', file=sys.stderr, flush=True)
AutoModel.from_pretrained('fixtures/encoders/tiny-mbert')
print('IMPORT', file=sys.stderr, flush=True)
import xlt_allennlp
print('tokenizer with the package:', *tokenize())
AutoModel.from_pretrained('fixtures/encoders/tiny-xlmr')
"""
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    # Bias-corrected Adam's first step moves each weight by lr against its gradient's sign.
    assert "adamw step: [0.9, 1.1]" in out
    assert "refused: huggingface_adamw with correct_bias=false" in out
    assert "push: " in out and "hf upload" in out
    # allennlp's tokenizer passes add_special_tokens= to from_pretrained and calls encode_plus.
    assert "tokenizer without the package: " in out
    assert (
        "tokenizer with the package: ['<s>', '▁a', '▁', 'b', '</s>'] "  # no `▁b` in tiny-xlmr
        "['<s>', '▁a', '</s>', '</s>', '▁', 'b', '</s>']"
    ) in out
    # transformers 5 draws a "Loading weights" bar on every load; the package's import hides it.
    before, after = result.stderr.split("LOAD 1")[1].split("IMPORT")
    assert "Loading weights" in before
    assert "Loading weights" not in after
