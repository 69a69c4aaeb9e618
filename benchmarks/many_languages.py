"""Many-language evaluation: `evaluate-languages` against separate `allennlp evaluate` runs.

Issue 15, item 3. Trains a POS model on the fixture (tiny encoder, or a BERT-base-shaped one
built at run time) once, then, in one run:

1. five fixture language files: one `allennlp evaluate-languages` process against five
   `allennlp evaluate` processes (wall seconds, start-up included: what a user waits for);
2. five files of `--sentences` sentences each (the fixture's sentences repeated): the
   `evaluate_languages` call in this process against the pure forward pass of the model over
   the same batches (built beforehand), and the archive load alone.

    .venv/bin/python benchmarks/many_languages.py
    .venv/bin/python benchmarks/many_languages.py --encoders tiny,base --sentences 2000 --cuda
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from allennlp.commands.train import train_model
from allennlp.common import Params
from allennlp.data import DataLoader
from allennlp.models.archival import load_archive
from allennlp.nn.util import move_to_device

# train_throughput: the POS benchmark beside this file (its directory is on sys.path).
from train_throughput import ROOT, TINY, bert_base_shaped

import xlt_allennlp  # noqa: F401
from xlt_allennlp.evaluation.languages import evaluate_languages

UD = ROOT / "fixtures" / "data" / "ud"
LANGUAGES = ("de", "es", "fr", "ru", "zh")


def train_fixture_model(encoder: str, directory: Path) -> str:
    params = Params.from_file(
        str(ROOT / "fixtures" / "configs" / "pos.jsonnet"),
        ext_vars={"encoder": encoder, "epochs": "1", "head_lr": "none", "lr": "2e-3"},
    )
    train_model(params, str(directory))
    return str(directory / "model.tar.gz")


def larger_files(directory: Path, sentences: int) -> list[Path]:
    """Each fixture language's test sentences repeated up to `sentences` sentences."""
    paths = []
    for language in LANGUAGES:
        blocks = (UD / f"{language}_test.conllu").read_text(encoding="utf-8").strip().split("\n\n")
        repeated = [blocks[i % len(blocks)] for i in range(sentences)]
        path = directory / f"{language}_large.conllu"
        path.write_text("\n\n".join(repeated) + "\n\n", encoding="utf-8")
        paths.append(path)
    return paths


def processes(archive: str, files: list[Path], cuda: bool) -> tuple[float, float]:
    device = ["--cuda-device", "0"] if cuda else []
    command = [sys.executable, "-m", "allennlp"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "evaluate-languages", archive, *map(str, files), *device],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    together = time.perf_counter() - start
    start = time.perf_counter()
    for path in files:
        subprocess.run(
            [*command, "evaluate", archive, str(path), *device],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
    return together, time.perf_counter() - start


def in_process(archive: str, files: list[Path], cuda: bool) -> tuple[float, float, float]:
    """Seconds of: evaluate_languages on the files; loading the archive; the model's forward
    passes alone over the batches the validation loader makes of the same files."""
    device = 0 if cuda else -1
    start = time.perf_counter()
    evaluate_languages(archive, [str(path) for path in files], cuda_device=device)
    total = time.perf_counter() - start
    start = time.perf_counter()
    loaded = load_archive(archive, cuda_device=device)
    load = time.perf_counter() - start
    model = loaded.model.eval()
    loader_params = (
        loaded.config.get("validation_data_loader", None) or loaded.config["data_loader"]
    )
    batches = []
    for path in files:
        loader = DataLoader.from_params(
            params=loader_params.duplicate(),
            reader=loaded.validation_dataset_reader,
            data_path=str(path),
        )
        loader.index_with(model.vocab)
        batches += [
            move_to_device(batch, torch.device("cuda" if cuda else "cpu")) for batch in loader
        ]
    start = time.perf_counter()
    with torch.inference_mode():
        for batch in batches:
            model(**batch)
    if cuda:
        torch.cuda.synchronize()
    return total, load, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoders", default="tiny", help="comma-separated: tiny, base")
    parser.add_argument("--sentences", type=int, default=2000, help="per larger file")
    parser.add_argument("--cuda", action="store_true", help="evaluate on GPU 0")
    args = parser.parse_args()
    print(
        f"torch {torch.__version__}, {'CUDA' if args.cuda else 'CPU'}, "
        f"{torch.get_num_threads()} threads"
    )
    work = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    try:
        for name in args.encoders.split(","):
            encoder = str(TINY) if name == "tiny" else bert_base_shaped(work / "base")
            archive = train_fixture_model(encoder, work / f"run-{name}")
            fixture_files = [UD / f"{language}_test.conllu" for language in LANGUAGES]
            together, separate = processes(archive, fixture_files, args.cuda)
            print(f"\n{name}: 5 fixture files, wall seconds with process start-up")
            print(f"  evaluate-languages (1 process)   {together:8.2f}")
            print(
                f"  allennlp evaluate (5 processes)  {separate:8.2f}   "
                f"ratio {separate / together:.2f}x"
            )
            files = larger_files(work, args.sentences)
            total, load, forward = in_process(archive, files, args.cuda)
            print(f"{name}: 5 files x {args.sentences} sentences, in this process")
            print(f"  evaluate_languages   {total:8.2f} s  (archive load {load:.2f} s)")
            print(
                f"  forward passes only  {forward:8.2f} s   ratio {total / forward:.2f}x "
                f"({(total - load) / forward:.2f}x without the load)"
            )
            if args.cuda:
                print(f"  peak GPU memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
