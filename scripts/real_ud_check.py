"""Zero-shot POS / parsing on real UD treebanks with a real encoder (local measurement, not CI).

Trains `training_configs/<task>.jsonnet` on the first N sentences of an English treebank, selects
on English dev, evaluates every target file with `allennlp evaluate-languages`, and prints one
Markdown table (for parsing with the left/right-neighbour baselines), e.g.:

    .venv/bin/python scripts/real_ud_check.py --task parsing --encoder ../e5-small \
        --data ../shared/data/ud-real --variant before:space_markers=first,head_lr=none \
        --variant after:space_markers=drop,head_lr=1e-3

Data (from `--data`): training = the first `--train` sentences of en_gum-ud-dev, dev = the first
`--dev` sentences of en_gum-ud-test, English test = the `--test` sentences after those, target
tests = the first `--test` sentences of every other `*-ud-test.conllu`. Runs and subsets go under
`runs/real-ud/` (git-ignored). Nothing here is used by the package or the tests.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sentences(path: Path) -> list[str]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return [block.strip("\n") + "\n" for block in blocks if block.strip()]


def write(path: Path, blocks: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return path


def neighbour_baselines(path: Path) -> tuple[float, float]:
    """UAS (PUNCT/SYM excluded) of attaching every word to its left / right neighbour."""
    left = right = total = 0
    for block in sentences(path):
        rows = [line.split("\t") for line in block.splitlines() if line and line[0].isdigit()]
        words = [row for row in rows if row[0].isdigit()]  # no 1-2 or 1.1 lines
        for row in words:
            index, upos, head = int(row[0]), row[3], int(row[6])
            if upos in ("PUNCT", "SYM"):
                continue
            total += 1
            left += head == index - 1
            right += head == (index + 1 if index < len(words) else 0)
    return 100 * left / total, 100 * right / total


def prepare_data(data: Path, out: Path, n_train: int, n_dev: int, n_test: int) -> dict[str, Path]:
    english_train = sentences(data / "en_gum-ud-dev.conllu")
    english_test = sentences(data / "en_gum-ud-test.conllu")
    files = {
        "train": write(out / "en_train.conllu", english_train[:n_train]),
        "dev": write(out / "en_dev.conllu", english_test[:n_dev]),
        "en": write(out / "en_test.conllu", english_test[n_dev : n_dev + n_test]),
    }
    for path in sorted(data.glob("*-ud-test.conllu")):
        language = path.name.split("_")[0]
        if language != "en":
            files[language] = write(out / f"{language}_test.conllu", sentences(path)[:n_test])
    return files


def run_variant(
    task: str, name: str, settings: dict[str, str], files: dict[str, Path], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    run_dir = ROOT / "runs" / "real-ud" / f"{task}-{name}"
    env = {
        **os.environ,
        "encoder": args.encoder,
        "train_path": str(files["train"]),
        "dev_path": str(files["dev"]),
        "lr": args.lr,
        "epochs": str(args.epochs),
        "batch_size": str(args.batch_size),
        **settings,
    }
    start = time.time()
    if not (run_dir / "model.tar.gz").exists():
        subprocess.run(
            ["allennlp", "train", f"training_configs/{task}.jsonnet", "-s", str(run_dir), "-f",
             "--file-friendly-logging", "--include-package", "xlt_allennlp"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    trained = time.time() - start
    output = run_dir / "languages.json"
    targets = [f"{language}={path}" for language, path in files.items() if language not in
               ("train", "dev")]
    if not output.exists():
        subprocess.run(
            ["allennlp", "evaluate-languages", str(run_dir / "model.tar.gz"), *targets,
             "--output-file", str(output), "--include-package", "xlt_allennlp"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    metrics = json.loads((run_dir / "metrics.json").read_text())
    dev = {k: round(v, 4) for k, v in metrics.items() if k.startswith("best_validation_")}
    print(f"{name}: trained in {trained:.0f} s, best epoch {metrics.get('best_epoch')}, dev {dev}",
          file=sys.stderr)
    return json.loads(output.read_text())["results"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=["pos", "parsing"], required=True)
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--variant", action="append", required=True,
                        help="NAME:key=value,key=value (ext vars)")
    parser.add_argument("--train", type=int, default=500)
    parser.add_argument("--dev", type=int, default=200)
    parser.add_argument("--test", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", default="5e-5")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    files = prepare_data(args.data, ROOT / "runs" / "real-ud" / "data", args.train, args.dev,
                         args.test)
    languages = [language for language in files if language not in ("train", "dev")]
    metrics = ["UAS", "LAS"] if args.task == "parsing" else ["accuracy"]
    rows = []
    for variant in args.variant:
        name, _, spec = variant.partition(":")
        settings = dict(item.split("=", 1) for item in spec.split(",") if item)
        results = run_variant(args.task, name, settings, files, args)
        for metric in metrics:
            rows.append((f"{name} {metric}", [100 * results[lang][metric] for lang in languages]))
    if args.task == "parsing":
        baselines = [neighbour_baselines(files[language]) for language in languages]
        rows.append(("left neighbour UAS", [b[0] for b in baselines]))
        rows.append(("right neighbour UAS", [b[1] for b in baselines]))
    print("| | " + " | ".join(languages) + " |")
    print("|---" * (len(languages) + 1) + "|")
    for label, values in rows:
        print(f"| {label} | " + " | ".join(f"{value:.1f}" for value in values) + " |")


if __name__ == "__main__":
    main()
