"""The configs are plain Jsonnet: rendered by the `jsonnet` binding alone (no plugin imported),
with the ext vars given as the one JSON ext var `XLT_EXT_VARS`, they give what allennlp reads
with the plugin (which passes that ext var and makes local encoder paths absolute)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allennlp.common import Params

from tests import FIXTURE_CONFIGS, PROJECT_ROOT
from tests.conftest import ext_vars_set

CONFIGS = sorted((PROJECT_ROOT / "training_configs").glob("*.jsonnet")) + sorted(
    FIXTURE_CONFIGS.glob("*.jsonnet")
)
EXT_VARS = {
    "encoder": "fixtures/encoders/tiny-mbert",
    "train_path": "fixtures/data/ud/en_train.conllu",
    "dev_path": "fixtures/data/ud/en_dev.conllu",
    "lr": "3e-5",
}
RENDER = """
import json, sys, _jsonnet
path, ext_vars = sys.argv[1], json.loads(sys.argv[2])
print(_jsonnet.evaluate_file(path, ext_vars={"XLT_EXT_VARS": json.dumps(ext_vars)}))
assert "xlt_allennlp" not in sys.modules and "allennlp" not in sys.modules
"""


def absolute_encoder(value: object) -> object:
    if isinstance(value, dict):
        return {key: absolute_encoder(item) for key, item in value.items()}
    if isinstance(value, list):
        return [absolute_encoder(item) for item in value]
    if value == EXT_VARS["encoder"]:
        return os.path.abspath(value)
    return value


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_plain_jsonnet_renders_what_allennlp_reads(config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RENDER, str(config), json.dumps(EXT_VARS)],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    plain = absolute_encoder(json.loads(result.stdout))
    with ext_vars_set(EXT_VARS):
        with_plugin = Params.from_file(str(config)).as_dict(quiet=True)
    assert plain == with_plugin
