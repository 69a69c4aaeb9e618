"""Training throughput of the xlt_allennlp sentence-pair classifier vs a plain transformers loop.

All runs are in this one process on the same encoder, data, batch size and number of optimizer
steps. "ours, finetune" is the model and data loader (length-bucketed batches) that
`allennlp train training_configs/xnli.jsonnet` (or mldoc.jsonnet) builds, with AdamW lr 5e-5;
"baseline" is the usual Hugging Face recipe (AutoModelForSequenceClassification, pairs tokenized
with longest-first truncation to 128 subwords, shuffled batches padded to the longest pair), with
the same optimizer; "ours, feature" is the same config with mode=feature (frozen encoder, mix of
all its layers, 2-layer BiLSTM, max pooling) and the config's own optimizer (Adam, lr 1e-3).
Prints training examples/s, trainable parameters, peak GPU memory (with --cuda) and the ratio of
each run to the baseline. Not a test: figures depend on the machine.

    .venv/bin/python benchmarks/classifier_throughput.py          # XNLI, tiny + BERT-base-shaped
    .venv/bin/python benchmarks/classifier_throughput.py --task mldoc --encoders tiny --steps 300
    .venv/bin/python benchmarks/classifier_throughput.py --cuda --data multinli_1.0_train.jsonl
    .venv/bin/python benchmarks/classifier_throughput.py --pairs-from en_gum-ud-dev.conllu

`--pairs-from` builds XNLI pairs of real lengths from a CoNLL-U file (sentence i and i+1 of the
file, labels cycling over entailment/neutral/contradiction), written as MultiNLI JSON lines that
both sides read: the fixture's pairs are all 16-26 subwords, which hides what length bucketing
saves on real text.
"""

import argparse
import gc
import json
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import torch
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.nn.util import move_to_device

# train_throughput: the POS benchmark beside this file (its directory is on sys.path when this
# runs as a script; benchmarks/ is no package).
from train_throughput import ROOT, TINY, bert_base_shaped, cycle, timed_steps
from transformers import AutoModelForSequenceClassification, AutoTokenizer

import xlt_allennlp  # noqa: F401
from xlt_allennlp.data import labels
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.sentence_splitter import split_sentences

TASKS = {
    # task: (config, default training file, labels in the model's order)
    "xnli": (
        ROOT / "training_configs" / "xnli.jsonnet",
        ROOT / "fixtures" / "data" / "xnli" / "multinli_train.jsonl",
        labels.NLI_LABELS,
    ),
    "mldoc": (
        ROOT / "training_configs" / "mldoc.jsonnet",
        ROOT / "fixtures" / "data" / "mldoc" / "en_train.txt",
        labels.MLDOC_LABELS,
    ),
}
LR = 5e-5
MAX_LENGTH = 128


class Result(NamedTuple):
    examples_per_second: float
    trainable_parameters: int
    peak_memory_bytes: int | None  # None on CPU


def trainable(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def ours(
    task: str,
    mode: str,
    encoder: str,
    data: Path,
    batch_size: int,
    steps: int,
    warmup: int,
    device: torch.device,
) -> Result:
    """Examples/s of the package's classifier, built from the task's config in `mode`."""
    config, _, _ = TASKS[task]
    params = Params.from_file(
        str(config),
        ext_vars={
            "encoder": encoder,
            "batch_size": str(batch_size),
            "mode": mode,
            "train_path": str(data),
            "dev_path": str(data),
        },
    )
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    loader = DataLoader.from_params(params.pop("data_loader"), reader=reader, data_path=str(data))
    vocab = Vocabulary.from_instances(loader.iter_instances())
    loader.index_with(vocab)
    model = Model.from_params(params.pop("model"), vocab=vocab).to(device)
    model.train()
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer: torch.optim.Optimizer
    if mode == "feature":
        # The config's own optimizer for the feature-based mode: Adam, lr 1e-3.
        settings = params.pop("trainer").pop("optimizer").as_dict()
        if settings["type"] != "adam":
            raise SystemExit(f"expected the feature mode's optimizer to be adam, not {settings}")
        optimizer = torch.optim.Adam(parameters, lr=settings["lr"])
    else:
        optimizer = torch.optim.AdamW(parameters, lr=LR, weight_decay=0.01)
    batches = cycle(loader)

    def step() -> int:
        batch = move_to_device(next(batches), device)
        loss = model(**batch)["loss"]
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return int(batch["label"].size(0))

    rate, peak = timed_steps(step, steps, warmup, device)
    return Result(rate, trainable(model), peak)


def read_pairs(task: str, data: Path) -> list[tuple[str, str | None, str]]:
    """(first text, second text or None, label) of every example, as the task's reader sees it:
    MultiNLI/XNLI JSON lines without the no-consensus pairs, or the first two sentences of each
    MLDoc document."""
    pairs: list[tuple[str, str | None, str]] = []
    with open(data, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            if task == "xnli":
                row = json.loads(line)
                if row["gold_label"] != "-":
                    pairs.append((row["sentence1"], row["sentence2"], row["gold_label"]))
            else:
                label, _, text = line.partition("\t")
                sentences = split_sentences(text.strip())
                second = sentences[1] if len(sentences) > 1 else None
                pairs.append((sentences[0], second, label.strip()))
    return pairs


def baseline(
    task: str,
    encoder: str,
    data: Path,
    batch_size: int,
    steps: int,
    warmup: int,
    device: torch.device,
) -> Result:
    """Examples/s of a plain transformers sequence-classification loop."""
    _, _, labels = TASKS[task]
    label_id = {label: index for index, label in enumerate(labels)}
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    examples = []
    for first, second, label in read_pairs(task, data):
        encoding = tokenizer(first, second, truncation="longest_first", max_length=MAX_LENGTH)
        # XLM-R-style tokenizers return no token type ids (one segment embedding): zeros.
        types = encoding.get("token_type_ids", [0] * len(encoding["input_ids"]))
        examples.append((encoding["input_ids"], types, label_id[label]))
    model = AutoModelForSequenceClassification.from_pretrained(encoder, num_labels=len(labels))
    model.to(device)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    rng = random.Random(0)
    pad = tokenizer.pad_token_id
    with_types = "token_type_ids" in tokenizer.model_input_names

    def batches() -> Iterator[dict[str, torch.Tensor]]:
        while True:
            order = list(range(len(examples)))
            rng.shuffle(order)
            for offset in range(0, len(order), batch_size):
                chunk = [examples[i] for i in order[offset : offset + batch_size]]
                width = max(len(ids) for ids, _, _ in chunk)
                input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _, _ in chunk])
                type_ids = torch.tensor(
                    [types + [0] * (width - len(types)) for _, types, _ in chunk]
                )
                inputs = {
                    "input_ids": input_ids.to(device),
                    "attention_mask": (input_ids != pad).long().to(device),
                    "labels": torch.tensor([label for _, _, label in chunk], device=device),
                }
                if with_types:
                    inputs["token_type_ids"] = type_ids.to(device)
                yield inputs

    stream = batches()

    def step() -> int:
        inputs = next(stream)
        loss = model(**inputs).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return int(inputs["labels"].size(0))

    rate, peak = timed_steps(step, steps, warmup, device)
    return Result(rate, trainable(model), peak)


def pairs_from_conllu(conllu: Path, output: Path) -> Path:
    """MultiNLI JSON lines pairing each sentence of `conllu` with the next one (text from the
    words, labels cycling over the three NLI labels): XNLI-shaped data of real lengths."""
    texts = [" ".join(w.form for w in sentence.words) for sentence in read_conllu(str(conllu))]
    with open(output, "w", encoding="utf-8") as lines:
        for index, (first, second) in enumerate(zip(texts[:-1], texts[1:], strict=True)):
            label = labels.NLI_LABELS[index % len(labels.NLI_LABELS)]
            row = {"sentence1": first, "sentence2": second, "gold_label": label}
            lines.write(json.dumps(row) + "\n")
    return output


RUNS = ("ours, finetune", "baseline", "ours, feature")


def run(
    name: str,
    task: str,
    encoder: str,
    data: Path,
    batch_size: int,
    steps: int,
    warmup: int,
    device: torch.device,
) -> Result:
    """One run, from the same seeds and a clean memory count."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    random.seed(0)
    torch.manual_seed(0)
    if name == "baseline":
        return baseline(task, encoder, data, batch_size, steps, warmup, device)
    mode = "feature" if name == "ours, feature" else "finetune"
    return ours(task, mode, encoder, data, batch_size, steps, warmup, device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="xnli")
    parser.add_argument(
        "--encoders",
        default="tiny,base",
        help="comma-separated: tiny, base (BERT-base-shaped, built here) or an encoder path",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--data", type=Path, help="training file (default: the task's fixture; e.g. real MultiNLI)"
    )
    parser.add_argument(
        "--pairs-from",
        type=Path,
        help="CoNLL-U file: XNLI pairs of consecutive real sentences instead of --data",
    )
    parser.add_argument("--steps", type=int, default=0, help="timed steps (default: 100 / 5)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--repeats", type=int, default=2, help="runs per row (best is kept)")
    parser.add_argument("--cuda", action="store_true", help="train on the GPU (default: CPU)")
    args = parser.parse_args()
    if args.cuda and not torch.cuda.is_available():
        raise SystemExit("--cuda: no GPU available to torch")
    device = torch.device("cuda" if args.cuda else "cpu")
    if args.pairs_from and (args.data or args.task != "xnli"):
        raise SystemExit("--pairs-from builds XNLI data: use it without --data and --task mldoc")
    data = args.data or TASKS[args.task][1]
    temporary = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    rows = []
    try:
        if args.pairs_from:
            data = pairs_from_conllu(args.pairs_from, temporary / f"{args.pairs_from.stem}.jsonl")
        for name in args.encoders.split(","):
            if name == "tiny":
                encoder, steps = str(TINY), args.steps or 100
            elif name == "base":
                encoder, steps = bert_base_shaped(temporary / "bert-base-shaped"), args.steps or 5
            elif Path(name).is_dir():
                encoder, steps = name, args.steps or 5
            else:
                raise SystemExit(f"unknown encoder {name!r} (use tiny, base or a directory)")
            # Alternate the order over repeats; report each row's best run.
            results: dict[str, list[Result]] = {run_name: [] for run_name in RUNS}
            for repeat in range(args.repeats):
                for run_name in RUNS if repeat % 2 == 0 else RUNS[::-1]:
                    results[run_name].append(
                        run(
                            run_name,
                            args.task,
                            encoder,
                            data,
                            args.batch_size,
                            steps,
                            args.warmup,
                            device,
                        )
                    )
            best = {
                run_name: max(rates, key=lambda result: result.examples_per_second)
                for run_name, rates in results.items()
            }
            for run_name in RUNS:
                rows.append((Path(name).name, steps, run_name, best[run_name], best["baseline"]))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    where = torch.cuda.get_device_name(device) if args.cuda else "CPU"
    print(
        f"\ntorch {torch.__version__}, {where}, {torch.get_num_threads()} threads, task "
        f"{args.task}, batch size {args.batch_size}, data {data.name}, best of {args.repeats}"
    )
    print(
        f"{'encoder':<8} {'steps':>5} {'run':<15} {'examples/s':>10} {'trainable params':>16} "
        f"{'peak GPU MiB':>12} {'ratio':>6}"
    )
    for name, steps, run_name, result, base in rows:
        memory = (
            "n/a" if result.peak_memory_bytes is None else f"{result.peak_memory_bytes / 2**20:.0f}"
        )
        print(
            f"{name:<8} {steps:>5} {run_name:<15} {result.examples_per_second:>10.1f} "
            f"{result.trainable_parameters:>16,} {memory:>12} "
            f"{result.examples_per_second / base.examples_per_second:>6.2f}"
        )


if __name__ == "__main__":
    main()
