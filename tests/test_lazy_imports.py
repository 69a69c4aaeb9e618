"""Start-up: importing the plugin (as `allennlp` does for every command) loads no plotting or
sentence-splitting library; the functions that use them import them (issue 15, item 7)."""

import subprocess
import sys

# scipy is left out: allennlp itself imports scipy.stats at start-up.
LAZY = ("matplotlib", "sentencex")


def test_importing_the_plugin_loads_no_plotting_or_sentence_splitting_library() -> None:
    code = (
        "import sys, xlt_allennlp\n"
        f"print(' '.join(name for name in {LAZY!r} if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert result.stdout.strip() == "", f"imported at start-up: {result.stdout.strip()}"
