"""Streaming prediction: peak memory and speed of `allennlp predict` on 1k and 50k sentences.

Issue 15, item 4. Trains a POS model on the fixture (tiny encoder) once, writes CoNLL-U files
of `--small` and `--large` sentences (the fixture's English test sentences repeated) and runs
`allennlp predict ARCHIVE FILE --use-dataset-reader --batch-size B` on each in its own process.
Prints each process's peak RSS (from `os.wait4`) and their ratio (target: <= 1.2x), and the
sentences/s between the two runs ((large - small) / (t_large - t_small): start-up cancels out)
against the model's forward passes alone over the same batches in this process. With `--cuda`
both predict on GPU 0 and each process's peak GPU memory is printed too.

    .venv/bin/python benchmarks/predict_memory.py
    .venv/bin/python benchmarks/predict_memory.py --small 1000 --large 50000 --batch-size 32
    .venv/bin/python benchmarks/predict_memory.py --cuda
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from allennlp.data import Batch
from allennlp.models.archival import load_archive
from allennlp.nn.util import move_to_device

# Benchmarks beside this file (their directory is on sys.path).
from many_languages import UD, train_fixture_model
from train_throughput import ROOT, TINY

import xlt_allennlp  # noqa: F401
from xlt_allennlp.common.predictors import prediction_reader


def sentences_file(path: Path, count: int) -> Path:
    blocks = (UD / "en_test.conllu").read_text(encoding="utf-8").strip().split("\n\n")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(blocks[i % len(blocks)] + "\n\n")
    return path


# `python -m allennlp` that also writes its peak GPU memory (MiB) to $XLT_GPU_PEAK_FILE at exit
# (nothing on a machine without CUDA).
LAUNCHER = """
import atexit, os, sys, torch
from allennlp.__main__ import run
def report():
    if torch.cuda.is_available():
        with open(os.environ["XLT_GPU_PEAK_FILE"], "w") as peak:
            peak.write(str(torch.cuda.max_memory_allocated(0) / 2**20))
atexit.register(report)
sys.argv = ["allennlp"] + sys.argv[1:]
run()
"""


def predict(
    archive: str, path: Path, batch_size: int, cuda: bool
) -> tuple[float, float, float | None]:
    """Wall seconds, peak RSS and peak GPU memory (MiB; None without CUDA) of one
    `allennlp predict` process."""
    command = [
        sys.executable, "-c", LAUNCHER, "predict", archive, str(path), "--use-dataset-reader",
        "--batch-size", str(batch_size), "--silent", "--output-file", str(path) + ".out",
        "--cuda-device", "0" if cuda else "-1",
    ]  # fmt: skip
    peak_file = Path(str(path) + ".gpu-peak")
    environment = {**os.environ, "XLT_GPU_PEAK_FILE": str(peak_file)}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"predict failed: {process.stderr.read().decode()[-2000:]}")
    gpu_peak = float(peak_file.read_text()) if peak_file.exists() else None
    return seconds, usage.ru_maxrss / 1024, gpu_peak  # ru_maxrss: KiB on Linux


def forward_seconds(archive: str, path: Path, batch_size: int, device: int) -> float:
    """The model's forward passes alone over `path` in batches of `batch_size`, in order."""
    loaded = load_archive(archive, cuda_device=device)
    model = loaded.model.eval()
    reader = prediction_reader(loaded.validation_dataset_reader)
    instances = list(reader.read(str(path)))
    batches = []
    for i in range(0, len(instances), batch_size):
        batch = Batch(instances[i : i + batch_size])
        batch.index_instances(model.vocab)
        batches.append(move_to_device(batch.as_tensor_dict(), device))
    start = time.perf_counter()
    with torch.inference_mode():
        for tensors in batches:
            model(**tensors)
    if device >= 0:
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cuda", action="store_true", help="predict on GPU 0")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    try:
        archive = train_fixture_model(str(TINY), work / "run")
        rows = []
        for count in (args.small, args.large):
            seconds, peak, gpu_peak = predict(
                archive, sentences_file(work / f"{count}.conllu", count), args.batch_size, args.cuda
            )
            rows.append((count, seconds, peak))
            gpu = f", peak GPU {gpu_peak:.0f} MiB" if gpu_peak is not None else ""
            print(f"{count:>7} sentences: {seconds:7.1f} s, peak RSS {peak:7.0f} MiB{gpu}")
        (small, t_small, m_small), (large, t_large, m_large) = rows
        print(f"peak RSS ratio {m_large / m_small:.2f}x for {large / small:.0f}x the sentences")
        rate = (large - small) / (t_large - t_small)
        forward = forward_seconds(
            archive, work / f"{args.large}.conllu", args.batch_size, 0 if args.cuda else -1
        )
        print(
            f"predict: {rate:.0f} sentences/s; forward passes alone: {large / forward:.0f} "
            f"sentences/s; ratio {rate / (large / forward):.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
