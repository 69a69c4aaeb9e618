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


def test_allennlp_imports_only_with_the_start_up_hook() -> None:
    # transformers 5 has no AdamW, huggingface_hub 1 no HfFolder/Repository: allennlp's own
    # import fails without the hook ...
    broken = run_python(WITHOUT_HOOK + "from allennlp.commands import main\n")
    assert broken.returncode != 0
    assert "cannot import name 'HfFolder'" in broken.stderr
    # ... and works with it, in a process that never imports the package.
    result = run_python(
        "from allennlp.commands import main\n"
        "assert 'xlt_allennlp' not in __import__('sys').modules\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_huggingface_adamw_optimizer_works_and_refuses_what_it_cannot_do() -> None:
    code = (
        "import torch\n"
        "from allennlp.common import Params\n"
        "from allennlp.training.optimizers import Optimizer\n"
        "p = torch.nn.Parameter(torch.ones(2))\n"
        "opt = Optimizer.from_params(model_parameters=[('p', p)], params=Params({'type': "
        "'huggingface_adamw', 'lr': 0.1}))\n"
        "(p * torch.tensor([1.0, -1.0])).sum().backward(); opt.step()\n"
        "print([round(x, 4) for x in p.tolist()])\n"
        "try:\n"
        "    Optimizer.from_params(model_parameters=[('p', p)], params=Params({'type': "
        "'huggingface_adamw', 'correct_bias': False}))\n"
        "except ValueError as error:\n"
        "    print('refused:', error)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    # Bias-corrected Adam's first step moves each weight by lr against its gradient's sign.
    assert result.stdout.splitlines()[0] == "[0.9, 1.1]"
    assert "refused: huggingface_adamw with correct_bias=false" in result.stdout


def test_push_to_hub_says_it_is_unsupported() -> None:
    result = run_python(
        "from allennlp.common.push_to_hf import push_to_hf\n"
        "from huggingface_hub import HfFolder, Repository\n"
        "try:\n"
        "    Repository('x')\n"
        "except NotImplementedError as error:\n"
        "    print(error)\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "hf upload" in result.stdout


def test_allennlp_tokenizer_works_on_transformers_5() -> None:
    # allennlp's tokenizer passes add_special_tokens= to from_pretrained and calls encode_plus:
    # both fail on transformers 5 before `import xlt_allennlp` ...
    code = (
        "from allennlp.data.tokenizers import PretrainedTransformerTokenizer\n"
        "t = PretrainedTransformerTokenizer('fixtures/encoders/tiny-xlmr')\n"
        "print([token.text for token in t.tokenize('a b')])\n"
        "bare = PretrainedTransformerTokenizer('fixtures/encoders/tiny-xlmr', "
        "add_special_tokens=False)\n"
        "pair = bare.add_special_tokens(bare.tokenize('a'), bare.tokenize('b'))\n"
        "print([token.text for token in pair])\n"
    )
    assert run_python(code).returncode != 0
    result = run_python("import xlt_allennlp\n" + code)
    assert result.returncode == 0, result.stderr[-2000:]
    single, pair = result.stdout.splitlines()
    assert single == "['<s>', '▁a', '▁', 'b', '</s>']"  # tiny-xlmr has no `▁b`
    assert pair == "['<s>', '▁a', '</s>', '</s>', '▁', 'b', '</s>']"


def test_loading_an_encoder_prints_no_progress_bar() -> None:
    code = (
        "from transformers import AutoModel\n"
        "AutoModel.from_pretrained('fixtures/encoders/tiny-mbert')\n"
    )
    assert "Loading weights" in run_python(code).stderr  # the noise exists ...
    result = run_python("import xlt_allennlp\n" + code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Loading weights" not in result.stderr  # ... and our import hides it


def test_the_start_up_line_installs_the_hook(tmp_path) -> None:
    # What `python -m xlt_allennlp_startup` writes into an environment: a .pth line that makes
    # allennlp importable in a Python that had no hook.
    from xlt_allennlp_startup import write_pth

    path = write_pth(str(tmp_path))
    assert path.name == "xlt_allennlp_startup.pth"
    code = WITHOUT_HOOK + (
        f"import site; site.addsitedir({str(tmp_path)!r})\n"
        "from allennlp.commands import main\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
