"""Word representations on real UD: subword pooling and layer mix, zero-shot (local measurement).

A small-budget comparison of the first-subword embedder's `subword_pooling` (first / mean /
first_last) and `layers` (last / mix:4) for POS tagging or parsing: each variant is trained with
`training_configs/<task>.jsonnet` on the first `--train` sentences of UD English GUM (its dev
file), selected on English dev, and evaluated with `allennlp evaluate-languages` on English and
every other `*-ud-test.conllu` in `--data`. The data split is `scripts/real_ud_check.py`'s (dev =
the first `--dev` sentences of GUM test, English test = the `--test` after them, targets = the
first `--test` of each file). Prints one Markdown table (score per language, average over the
targets, training time). Runs and subsets go under `runs/word-representations/` (git-ignored);
an existing run directory with a `languages.json` is reused. Nothing here is used by the package
or the tests. Example (POS, 300 sentences, 3 epochs):

    .venv/bin/python scripts/word_representation_check.py --task pos --encoder ENCODER_DIR \
        --data UD_REAL_DIR --train 300 --epochs 3

`--variant NAME:key=value,...` (ext vars) replaces the default variants below.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_ud_check import prepare_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Each variant names every setting it compares, so that a reused run (by name) never stands for
# other defaults.
VARIANTS = [
    "first:subword_pooling=first,layers=last",  # the paper's: first subword, last layer
    "mean:subword_pooling=mean,layers=last",
    "first_last:subword_pooling=first_last,layers=last",
    "first-mix4:subword_pooling=first,layers=mix:4",  # the configs' defaults
    "mean-mix4:subword_pooling=mean,layers=mix:4",
]


def run(
    args: argparse.Namespace, name: str, settings: dict[str, str], files: dict[str, Path]
) -> tuple[dict[str, dict[str, float]], float, dict[str, float]]:
    run_dir = args.runs / f"{args.task}-{args.train}x{args.epochs}-{name}"
    env = {
        **os.environ,
        "encoder": args.encoder,
        "train_path": str(files["train"]),
        "dev_path": str(files["dev"]),
        "lr": args.lr,
        "head_lr": args.head_lr,
        "epochs": str(args.epochs),
        "batch_size": str(args.batch_size),
        **settings,
    }
    output = run_dir / "languages.json"
    start = time.time()
    if not output.exists():
        subprocess.run(
            ["allennlp", "train", f"training_configs/{args.task}.jsonnet", "-s", str(run_dir),
             "-f", "--file-friendly-logging", "--include-package", "xlt_allennlp"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        targets = [f"{lang}={path}" for lang, path in files.items() if lang not in ("train", "dev")]
        subprocess.run(
            ["allennlp", "evaluate-languages", str(run_dir / "model.tar.gz"), *targets,
             "--output-file", str(output), "--include-package", "xlt_allennlp"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        # model.tar.gz holds the weights; the checkpoints would take ~1.5 GB per run.
        for checkpoint in [*run_dir.glob("*_state_*.th"), run_dir / "best.th"]:
            checkpoint.unlink(missing_ok=True)
    elapsed = time.time() - start
    metrics = json.loads((run_dir / "metrics.json").read_text())
    dev = {k: v for k, v in metrics.items() if k.startswith("best_validation_")}
    print(f"{name}: {elapsed:.0f} s (train + evaluate), dev {dev}", file=sys.stderr)
    return json.loads(output.read_text())["results"], elapsed, dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=["pos", "parsing"], default="pos")
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--variant", action="append", help="NAME:key=value,... (ext vars)")
    parser.add_argument("--train", type=int, default=300)
    parser.add_argument("--dev", type=int, default=200)
    parser.add_argument("--test", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", default="5e-5")
    parser.add_argument("--head-lr", default="1e-3")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "word-representations")
    args = parser.parse_args()

    files = prepare_data(
        args.data, args.runs / f"data-{args.train}", args.train, args.dev, args.test
    )
    languages = [language for language in files if language not in ("train", "dev")]
    targets = [language for language in languages if language != "en"]
    metrics = ["UAS", "LAS"] if args.task == "parsing" else ["accuracy"]
    header = [*languages, "target avg", "time (s)"]
    print("| variant | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    for variant in args.variant or VARIANTS:
        name, _, spec = variant.partition(":")
        settings = dict(item.split("=", 1) for item in spec.split(",") if item)
        results, elapsed, _ = run(args, name, settings, files)
        for metric in metrics:
            scores = [100 * results[language][metric] for language in languages]
            average = sum(100 * results[t][metric] for t in targets) / len(targets)
            cells = [f"{s:.1f}" for s in scores] + [f"{average:.1f}", f"{elapsed:.0f}"]
            label = f"{name} ({spec or 'defaults'})" + (f" {metric}" if len(metrics) > 1 else "")
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
