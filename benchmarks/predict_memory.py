"""Streaming prediction: peak memory and speed of `allennlp predict` on 1k and 50k sentences.

Issue 15, item 4. Trains a POS model on the fixture (tiny encoder) once, writes CoNLL-U files
of `--small` and `--large` sentences (the fixture's English test sentences repeated) and runs
`allennlp predict ARCHIVE FILE --use-dataset-reader --batch-size B` on each in its own process.
Prints each process's peak RSS (from `os.wait4`) and their ratio (target: <= 1.2x), and the
sentences/s between the two runs ((large - small) / (t_large - t_small): start-up cancels out)
against the model's forward passes alone over the same batches in this process.

    .venv/bin/python benchmarks/predict_memory.py
    .venv/bin/python benchmarks/predict_memory.py --small 1000 --large 50000 --batch-size 32
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


def predict(archive: str, path: Path, batch_size: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `allennlp predict` process."""
    command = [
        sys.executable, "-m", "allennlp", "predict", archive, str(path), "--use-dataset-reader",
        "--batch-size", str(batch_size), "--silent", "--output-file", str(path) + ".out",
    ]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"predict failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def forward_seconds(archive: str, path: Path, batch_size: int) -> float:
    """The model's forward passes alone over `path` in batches of `batch_size`, in order."""
    loaded = load_archive(archive)
    model = loaded.model.eval()
    reader = prediction_reader(loaded.validation_dataset_reader)
    instances = list(reader.read(str(path)))
    batches = []
    for i in range(0, len(instances), batch_size):
        batch = Batch(instances[i : i + batch_size])
        batch.index_instances(model.vocab)
        batches.append(batch.as_tensor_dict())
    start = time.perf_counter()
    with torch.inference_mode():
        for tensors in batches:
            model(**tensors)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    try:
        archive = train_fixture_model(str(TINY), work / "run")
        rows = []
        for count in (args.small, args.large):
            seconds, peak = predict(
                archive, sentences_file(work / f"{count}.conllu", count), args.batch_size
            )
            rows.append((count, seconds, peak))
            print(f"{count:>7} sentences: {seconds:7.1f} s, peak RSS {peak:7.0f} MiB")
        (small, t_small, m_small), (large, t_large, m_large) = rows
        print(f"peak RSS ratio {m_large / m_small:.2f}x for {large / small:.0f}x the sentences")
        rate = (large - small) / (t_large - t_small)
        forward = forward_seconds(archive, work / f"{args.large}.conllu", args.batch_size)
        print(
            f"predict: {rate:.0f} sentences/s; forward passes alone: {large / forward:.0f} "
            f"sentences/s; ratio {rate / (large / forward):.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
