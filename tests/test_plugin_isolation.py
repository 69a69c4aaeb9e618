"""Importing the plugin adds registrations and changes none of allennlp's or allennlp-models'."""

import json
import os
import subprocess
import sys
from pathlib import Path

# In a new interpreter, from a directory without `.allennlp_plugins`: allennlp and every
# allennlp-models component first (allennlp's own plugin loading), then the package.
SNAPSHOT = """
import json
from allennlp.common.plugins import import_plugins
from allennlp.common.registrable import Registrable
import_plugins()
before = {base: dict(names) for base, names in Registrable._registry.items()}
import xlt_allennlp
after = Registrable._registry
changed = sorted(
    f"{base.__name__}:{name}"
    for base, names in before.items()
    for name, entry in names.items()
    if after[base].get(name) != entry
)
added = sum(len(names) for names in after.values()) - sum(len(n) for n in before.values())
print(json.dumps({"changed": changed, "added": added}))
"""


def test_importing_the_plugin_changes_no_registration(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}  # no global plugins file either
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOT], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["changed"] == []
    assert report["added"] > 20  # the package's own components did register


# A config that is not one of the package's, evaluated by allennlp with and without the plugin:
# the same text, and a Jsonnet error stays allennlp's own RuntimeError (no one-line ConfigError,
# no absolute encoder paths, no ext var warnings).
EVALUATE = """
import json, sys
from allennlp.common import params
def evaluate(name):
    try:
        return params.evaluate_file(name, ext_vars={"lr": "0.1"})
    except RuntimeError as error:
        return type(error).__name__
before = [evaluate(name) for name in sys.argv[1:]]
import xlt_allennlp
assert getattr(params.evaluate_file, "_xlt_ext_vars", False)
print(json.dumps([before, [evaluate(name) for name in sys.argv[1:]]]))
"""


def test_a_config_not_of_the_package_is_evaluated_as_allennlp_does(tmp_path: Path) -> None:
    encoder = tmp_path / "my-encoder"
    encoder.mkdir()
    plain = tmp_path / "plain.jsonnet"
    plain.write_text(
        '{"model": {"model_name": "my-encoder", "lr": std.parseJson(std.extVar("lr"))}}',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.jsonnet"
    broken.write_text('{"model": std.extVar("not_given")}', encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "learning_rate": "3"}
    result = subprocess.run(
        [sys.executable, "-c", EVALUATE, str(plain), str(broken)],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    before, after = json.loads(result.stdout.strip().splitlines()[-1])
    assert after == before
    assert json.loads(after[0]) == {"model": {"model_name": "my-encoder", "lr": 0.1}}
    assert after[1] == "RuntimeError"
    assert "did you mean" not in result.stderr
