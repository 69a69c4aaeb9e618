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
