"""Sliding window: time and peak memory of the first-subword embedder vs sentence length.

One sentence of 1x, 4x and 16x the window (128 subwords with the special tokens: 126 of content,
later windows 64 of context + 62 new, README "Sliding window") goes through
`pretrained_transformer_first_subword` (forward only; `--backward` adds forward + backward), on
the tiny encoder and a BERT-base-shaped one built at run time, on one CPU thread by default.
Prints wall and CPU seconds (best of `--repeats`) and peak memory (the rise of the process's
peak RSS, or peak GPU memory with `--cuda`) per length, with their ratios to linear growth from
the 1x run in the same process: `x(k) / (k * x(1))`, 1.00 being linear in length. Time ratios
use CPU seconds (other jobs on a shared machine barely change them; wall seconds on a GPU).
Each later window encodes 126 subwords for 62 new ones, so growth linear in windows is
(1 + (k * 126 - 126) / 62) / k of linear in length (~2x for long inputs); the ratios to that
are printed too.

    .venv/bin/python benchmarks/sliding_window.py                  # tiny + BERT-base-shaped
    .venv/bin/python benchmarks/sliding_window.py --encoders tiny --backward --repeats 10
"""

import argparse
import ctypes
import functools
import gc
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import torch

# train_throughput: the POS benchmark beside this file (its directory is on sys.path when this
# script runs).
from train_throughput import TINY, bert_base_shaped

from xlt_allennlp.modules.sliding_window import sliding_windows
from xlt_allennlp.modules.token_embedders.first_subword_embedder import (
    PretrainedTransformerFirstSubwordEmbedder,
)

MAX_LENGTH, CONTEXT = 128, 64
MULTIPLES = (1, 4, 16)


class Result(NamedTuple):
    seconds: float  # wall-clock
    cpu_seconds: float  # of this process (other jobs on a shared machine barely change it)
    peak_bytes: int


def resident(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in bytes."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


def reset_peak(device: torch.device) -> int:
    """Frees what can be freed and restarts the peak count; returns the memory in use now."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        return torch.cuda.memory_allocated(device)
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)
    return resident("VmRSS")


def peak(device: torch.device) -> int:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device)
    return resident("VmHWM")


def sentence(
    embedder: PretrainedTransformerFirstSubwordEmbedder, subwords: int, device: torch.device
) -> dict[str, torch.Tensor]:
    """One sentence of `subwords` random non-special subwords, each its own word."""
    special = set(embedder.tokenizer.tokenizer.all_special_ids)
    vocabulary = torch.tensor(
        [i for i in range(len(embedder.tokenizer.tokenizer)) if i not in special]
    )
    generator = torch.Generator().manual_seed(subwords)
    ids = vocabulary[torch.randint(len(vocabulary), (1, subwords), generator=generator)]
    ones = torch.ones(1, subwords, dtype=torch.bool)
    inputs = {
        "token_ids": ids,
        "mask": ones,
        "offsets": torch.arange(subwords).unsqueeze(0),
        "wordpiece_mask": ones,
    }
    return {name: tensor.to(device) for name, tensor in inputs.items()}


def measure(step: Callable[[], None], repeats: int, device: torch.device) -> Result:
    """Best times of `repeats` runs of `step`; peak memory over the first, above the start."""
    start_bytes = reset_peak(device)
    times, cpu_times = [], []
    for repeat in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        if repeat == 0:
            peak_bytes = peak(device) - start_bytes
    return Result(min(times), min(cpu_times), peak_bytes)


def forward(
    embedder: PretrainedTransformerFirstSubwordEmbedder,
    inputs: dict[str, torch.Tensor],
    backward: bool,
) -> None:
    if backward:
        embedder(**inputs).sum().backward()
        embedder.zero_grad(set_to_none=True)
    else:
        with torch.no_grad():
            embedder(**inputs)


def run(encoder: str, backward: bool, repeats: int, device: torch.device) -> dict[int, Result]:
    """Results per multiple of the window, for one encoder and mode."""
    torch.manual_seed(0)
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        encoder, max_length=MAX_LENGTH, context=CONTEXT
    ).to(device)
    embedder.train(backward)  # dropout only when training
    content = MAX_LENGTH - 2
    results = {}
    for multiple in MULTIPLES:
        inputs = sentence(embedder, multiple * content, device)
        step = functools.partial(forward, embedder, inputs, backward)
        if multiple == MULTIPLES[0]:
            step()  # warm-up (allocator, kernels)
        results[multiple] = measure(step, repeats, device)
    return results


def windows(multiple: int) -> int:
    return len(sliding_windows(multiple * (MAX_LENGTH - 2), MAX_LENGTH - 2, CONTEXT))


def report(name: str, mode: str, results: dict[int, Result], cuda: bool) -> None:
    """One row per length; time ratios from CPU seconds on the CPU, wall seconds on a GPU."""
    base = results[1]
    for multiple, result in results.items():
        in_windows = windows(multiple) / windows(1) / multiple
        timed = "seconds" if cuda else "cpu_seconds"
        time_ratio = getattr(result, timed) / (multiple * getattr(base, timed))
        memory_ratio = result.peak_bytes / max(multiple * base.peak_bytes, 1)
        print(
            f"{name:<6} {mode:<16} {multiple:>3}x {multiple * (MAX_LENGTH - 2):>6} "
            f"{windows(multiple):>7} {result.seconds:>8.3f} {result.cpu_seconds:>8.3f} "
            f"{time_ratio:>9.2f} "
            f"{time_ratio / in_windows:>9.2f} {result.peak_bytes / 2**20:>9.1f} "
            f"{memory_ratio:>9.2f} {memory_ratio / in_windows:>9.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoders", default="tiny,base", help="comma-separated: tiny, base")
    parser.add_argument("--repeats", type=int, default=0, help="timed runs (default: 10 / 1)")
    parser.add_argument("--backward", action="store_true", help="also forward + backward")
    parser.add_argument("--cuda", action="store_true", help="on the GPU (default: CPU)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (0: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)  # one: CPU time is then compute, not spin-waiting
    if args.cuda and not torch.cuda.is_available():
        raise SystemExit("--cuda: no GPU available to torch")
    device = torch.device("cuda" if args.cuda else "cpu")
    modes = ["forward", "forward+backward"] if args.backward else ["forward"]
    temporary = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    rows = []
    try:
        for name in args.encoders.split(","):
            if name == "tiny":
                encoder, repeats = str(TINY), args.repeats or 10
            elif name == "base":
                encoder = bert_base_shaped(temporary / "bert-base-shaped")
                repeats = args.repeats or 1
            else:
                raise SystemExit(f"unknown encoder {name!r} (use tiny or base)")
            for mode in modes:
                rows.append((name, mode, run(encoder, mode != "forward", repeats, device)))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    where = torch.cuda.get_device_name(device) if args.cuda else "CPU, peak RSS rise"
    print(
        f"\ntorch {torch.__version__}, {where}, {torch.get_num_threads()} threads, "
        f"max_length {MAX_LENGTH}, context {CONTEXT}"
    )
    print(
        f"{'enc':<6} {'mode':<16} {'len':>4} {'subw':>6} {'windows':>7} {'wall s':>8} {'cpu s':>8} "
        f"{'t/linear':>9} {'t/windows':>9} {'peak MiB':>9} {'m/linear':>9} {'m/windows':>9}"
    )
    for name, mode, results in rows:
        report(name, mode, results, args.cuda)


if __name__ == "__main__":
    main()
