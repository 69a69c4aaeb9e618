"""Start-up: seconds from `allennlp train` to its first batch and from `allennlp predict` to
its first output line, and how much of a command's import time this package adds.

Issue 15, item 7. Each figure comes from fresh `python -m allennlp ...` processes (best of
`--repeats`), with the tiny fixture encoder:

1. imports: `import allennlp.commands` (what every allennlp command imports) against the same
   plus `import xlt_allennlp` (what `.allennlp_plugins` adds), wall clock and, less noisy,
   the import self-time of the modules only the latter imports (`python -X importtime`);
2. `allennlp train fixtures/configs/pos.jsonnet`: seconds to the first training batch (the
   first progress line with `batch_loss`);
3. `allennlp predict` on the fixture's English test file: seconds to the first output line.

`--cuda` trains and predicts on GPU 0 (CUDA's initialization then counts in both).

    .venv/bin/python benchmarks/startup.py
    .venv/bin/python benchmarks/startup.py --cuda
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from train_throughput import ROOT, TINY

PYTHON = [sys.executable]


def seconds_of(command: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def seconds_until(command: list[str], pattern: str, stream: str, env: dict[str, str]) -> float:
    """Seconds from the start of `command` until a line of `stream` matches `pattern`."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, text=True, bufsize=1,
        stdout=subprocess.PIPE if stream == "stdout" else subprocess.DEVNULL,
        stderr=subprocess.PIPE if stream == "stderr" else subprocess.DEVNULL,
    )  # fmt: skip
    handle = process.stdout if stream == "stdout" else process.stderr
    assert handle is not None
    buffer = ""
    try:
        while True:
            chunk = handle.read(1)
            if not chunk:
                raise RuntimeError(f"{command[3]} ended before {pattern!r}")
            buffer += chunk
            if chunk in "\r\n":
                if re.search(pattern, buffer):
                    return time.perf_counter() - start
                buffer = ""
    finally:
        process.kill()
        process.wait()


def import_self_times(code: str) -> dict[str, float]:
    """Module -> import self-time in seconds (`python -X importtime -c code`)."""
    result = subprocess.run(
        [*PYTHON, "-X", "importtime", "-c", code],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    times = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            times[match.group(4)] = int(match.group(1)) / 1e6
    return times


def added_imports() -> tuple[float, int, list[tuple[float, str]]]:
    """What `import xlt_allennlp` adds to `import allennlp.commands`, from -X importtime (less
    noisy than wall clock on a loaded machine): total self-time and count of the modules only
    it imports, and the slowest of them."""
    base = import_self_times("import allennlp.commands")
    ours = import_self_times("import allennlp.commands, xlt_allennlp")
    added = {module: seconds for module, seconds in ours.items() if module not in base}
    slowest = sorted(((s, m) for m, s in added.items()), reverse=True)[:8]
    return sum(added.values()), len(added), slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cuda", action="store_true", help="train and predict on GPU 0")
    args = parser.parse_args()
    base = seconds_of([*PYTHON, "-c", "import allennlp.commands"], args.repeats)
    ours = seconds_of([*PYTHON, "-c", "import allennlp.commands, xlt_allennlp"], args.repeats)
    print(f"import allennlp.commands                {base:6.2f} s")
    print(
        f"import allennlp.commands, xlt_allennlp  {ours:6.2f} s  (+{ours - base:.2f} s, "
        f"{ours / base:.2f}x)"
    )
    total, count, slowest = added_imports()
    print(f"modules only xlt_allennlp imports: {count}, import self-time {total:.2f} s; slowest:")
    for seconds, module in slowest:
        print(f"  {seconds:6.3f} s  {module}")
    work = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    env = {
        **os.environ,
        "encoder": str(TINY),
        "epochs": "1",
        "cuda_device": "0" if args.cuda else "-1",
    }
    try:
        train = [*PYTHON, "-m", "allennlp", "train", "fixtures/configs/pos.jsonnet", "-s"]
        first_batch = min(
            seconds_until([*train, str(work / f"run{i}")], "batch_loss", "stderr", env)
            for i in range(args.repeats)
        )
        print(f"allennlp train -> first batch           {first_batch:6.2f} s")
        subprocess.run([*train, str(work / "model")], check=True, capture_output=True,
                       cwd=ROOT, env=env)  # fmt: skip
        predict = [
            *PYTHON, "-m", "allennlp", "predict", str(work / "model" / "model.tar.gz"),
            str(ROOT / "fixtures" / "data" / "ud" / "en_test.conllu"), "--use-dataset-reader",
            "--cuda-device", "0" if args.cuda else "-1",
        ]  # fmt: skip
        first_line = min(
            seconds_until(predict, r"\d\t\S+\t", "stdout", env) for _ in range(args.repeats)
        )
        print(f"allennlp predict -> first output line   {first_line:6.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
