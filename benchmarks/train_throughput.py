"""Training throughput of the xlt_allennlp POS tagger or parser vs a plain transformers loop.

Both run in this one process on the same encoder, data, batch size, optimizer and number of
optimizer steps: ours is the model, data loader (length-bucketed batches) and indexer that
`allennlp train training_configs/pos.jsonnet` (`--task parsing`: `parsing.jsonnet`) builds; the
baseline is the usual Hugging Face recipe (POS: AutoModelForTokenClassification, pre-tokenized
data with first-subword labels; parsing: the plain biaffine parser of plain_biaffine_parser.py),
shuffled batches padded to the longest sequence. Prints training words/s for each and the ratio
ours / baseline. NER trains the POS tagger's model (`first_subword_tagger`) on other labels.
Not a test: figures depend on the machine.

    .venv/bin/python benchmarks/train_throughput.py            # tiny + BERT-base-shaped encoder
    .venv/bin/python benchmarks/train_throughput.py --encoders tiny --steps 300
    .venv/bin/python benchmarks/train_throughput.py --task parsing --encoders tiny
    .venv/bin/python benchmarks/train_throughput.py --encoders ../e5-small --cuda  # real, GPU
"""

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import plain_biaffine_parser  # beside this file (its directory is on sys.path when it runs)
import torch
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.nn.util import move_to_device
from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig, BertModel

import xlt_allennlp  # noqa: F401
from xlt_allennlp.data.conllu import read_conllu

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRAIN = ROOT / "fixtures" / "data" / "ud" / "en_train.conllu"
TINY = ROOT / "fixtures" / "encoders" / "tiny-mbert"
LR = 5e-5
DEVICE = torch.device("cpu")  # `--cuda`: GPU 0


def peak_memory_mib() -> float | None:
    """Peak GPU memory since the last call (None on the CPU)."""
    if DEVICE.type != "cuda":
        return None
    peak = torch.cuda.max_memory_allocated(DEVICE) / 2**20
    torch.cuda.reset_peak_memory_stats(DEVICE)
    return peak


def bert_base_shaped(directory: Path) -> str:
    """BERT-base sizes (12 x 768, random weights) with the tiny encoder's tokenizer."""
    tokenizer = AutoTokenizer.from_pretrained(str(TINY))
    tokenizer.save_pretrained(str(directory))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=512)
    BertModel(config, add_pooling_layer=False).save_pretrained(str(directory))
    return str(directory)


def timed_steps(
    step: Callable[[], int], steps: int, warmup: int, device: torch.device
) -> tuple[float, int | None]:
    """Runs `warmup` untimed then `steps` timed calls of `step` (which returns the number of
    words or examples it trained on); their rate per second and the peak GPU memory of the
    whole run (None on CPU). Every training loop of the throughput benchmarks times through it."""
    cuda = device.type == "cuda"
    examples = 0
    start = 0.0
    for index in range(warmup + steps):
        if index == warmup:
            if cuda:
                torch.cuda.synchronize(device)
            start, examples = time.perf_counter(), 0
        examples += step()
    if cuda:
        torch.cuda.synchronize(device)
    elapsed = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated(device) if cuda else None
    return examples / elapsed, peak


def cycle(loader: Any) -> Iterator[Any]:
    while True:
        yield from loader


# Per task: the training config and the name of its text field.
TASKS = {"pos": ("pos.jsonnet", "tokens"), "parsing": ("parsing.jsonnet", "words")}


def ours(
    task: str,
    encoder: str,
    train: Path,
    batch_size: int,
    steps: int,
    warmup: int,
    sampler: str = "subword_bucket",
) -> float:
    """Words/s of the package's model for `task`, built from its training config (with
    `sampler="bucket"`: allennlp's word-length buckets instead of the package's)."""
    config, text_field = TASKS[task]
    params = Params.from_file(
        str(ROOT / "training_configs" / config),
        ext_vars={
            "encoder": encoder,
            "batch_size": str(batch_size),
            "train_path": str(train),
            "dev_path": str(train),
        },
    )
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    params["data_loader"]["batch_sampler"]["type"] = sampler
    loader = DataLoader.from_params(params.pop("data_loader"), reader=reader, data_path=str(train))
    vocab = Vocabulary.from_instances(loader.iter_instances())
    loader.index_with(vocab)
    model = Model.from_params(params.pop("model"), vocab=vocab).to(DEVICE)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    batches = cycle(loader)

    def step() -> int:
        batch = move_to_device(next(batches), DEVICE)
        model(**batch)["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()
        return int(batch[text_field]["tokens"]["mask"].sum())

    return timed_steps(step, steps, warmup, DEVICE)[0]


def baseline(
    task: str, encoder: str, train: Path, batch_size: int, steps: int, warmup: int
) -> float:
    """Words/s of a plain transformers loop for `task`."""
    if task == "parsing":
        return parsing_baseline(encoder, train, batch_size, steps, warmup)
    sentences = [
        ([w.form for w in s.words], [w.upos for w in s.words]) for s in read_conllu(str(train))
    ]
    labels = sorted({tag for _, tags in sentences for tag in tags})
    label_id = {label: index for index, label in enumerate(labels)}
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    examples = []
    for words, tags in sentences:
        encoding = tokenizer(words, is_split_into_words=True, truncation=True, max_length=128)
        previous = None
        label_ids = []
        for word_index in encoding.word_ids():
            first = word_index is not None and word_index != previous
            label_ids.append(label_id[tags[word_index]] if first else -100)
            previous = word_index
        examples.append((encoding["input_ids"], label_ids, len(words)))
    model = AutoModelForTokenClassification.from_pretrained(encoder, num_labels=len(labels))
    model.to(DEVICE).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    rng = random.Random(0)

    def batches() -> Iterator[tuple[dict[str, torch.Tensor], int]]:
        while True:
            order = list(range(len(examples)))
            rng.shuffle(order)
            for offset in range(0, len(order), batch_size):
                chunk = [examples[i] for i in order[offset : offset + batch_size]]
                width = max(len(ids) for ids, _, _ in chunk)
                pad = tokenizer.pad_token_id
                input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _, _ in chunk])
                label_tensor = torch.tensor(
                    [lab + [-100] * (width - len(lab)) for _, lab, _ in chunk]
                )
                yield (
                    {
                        "input_ids": input_ids,
                        "attention_mask": (input_ids != pad).long(),
                        "labels": label_tensor,
                    },
                    sum(n for _, _, n in chunk),
                )

    stream = batches()

    def step() -> int:
        inputs, num_words = next(stream)
        model(**{key: value.to(DEVICE) for key, value in inputs.items()}).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return num_words

    return timed_steps(step, steps, warmup, DEVICE)[0]


def parsing_baseline(encoder: str, train: Path, batch_size: int, steps: int, warmup: int) -> float:
    """Words/s of the plain biaffine parser (plain_biaffine_parser.py)."""
    rows, relations, pad = plain_biaffine_parser.examples(encoder, train)
    model = plain_biaffine_parser.PlainBiaffineParser(encoder, relations).to(DEVICE).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    stream = plain_biaffine_parser.batches(rows, batch_size, pad, DEVICE)

    def step() -> int:
        inputs, num_words = next(stream)
        model(**inputs).backward()
        optimizer.step()
        optimizer.zero_grad()
        return num_words

    return timed_steps(step, steps, warmup, DEVICE)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--encoders",
        default="tiny,base",
        help="comma-separated: tiny, base (BERT-base-shaped, built here) or an encoder path",
    )
    parser.add_argument("--task", choices=sorted(TASKS), default="pos")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_TRAIN, help="CoNLL-U training file (e.g. real UD)"
    )
    parser.add_argument("--steps", type=int, default=0, help="timed steps (default: 200 / 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--repeats", type=int, default=2, help="runs per side (best is kept)")
    parser.add_argument("--cuda", action="store_true", help="train on GPU 0, report peak memory")
    args = parser.parse_args()
    global DEVICE
    DEVICE = torch.device("cuda", 0) if args.cuda else torch.device("cpu")
    torch.manual_seed(0)
    temporary = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    rows = []
    try:
        for name in args.encoders.split(","):
            if name == "tiny":
                encoder, steps = str(TINY), args.steps or 200
            elif name == "base":
                encoder, steps = bert_base_shaped(temporary / "bert-base-shaped"), args.steps or 20
            elif Path(name).is_dir():
                encoder, steps = name, args.steps or 20
            else:
                raise SystemExit(f"unknown encoder {name!r} (use tiny, base or a directory)")
            # Alternate the order over repeats; report each side's best run.
            ours_rates, word_rates, base_rates = [], [], []
            peaks = {"ours": 0.0, "word buckets": 0.0, "baseline": 0.0}

            def word_buckets(*args: Any) -> float:
                return ours(*args, sampler="bucket")

            for repeat in range(args.repeats):
                runs = [
                    (ours, ours_rates, "ours"),
                    (word_buckets, word_rates, "word buckets"),
                    (baseline, base_rates, "baseline"),
                ]
                for function, rates, side in runs if repeat % 2 == 0 else runs[::-1]:
                    peak_memory_mib()
                    rates.append(
                        function(args.task, encoder, args.data, args.batch_size, steps, args.warmup)
                    )
                    peaks[side] = max(peaks[side], peak_memory_mib() or 0.0)
            rows.append(
                (Path(name).name, steps, max(ours_rates), max(word_rates), max(base_rates), peaks)
            )
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    print(
        f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads, task {args.task}, "
        f"batch size {args.batch_size}, data {args.data.name}, best of {args.repeats}"
    )
    print(
        f"{'encoder':<8} {'steps':>5} {'ours words/s':>14} {'baseline words/s':>17} {'ratio':>6}"
        f"   (ours with allennlp's word-length buckets: words/s, ratio)"
    )
    for name, steps, ours_rate, word_rate, base_rate, peaks in rows:
        memory = (
            f"   peak GPU MiB ours {peaks['ours']:.0f}, baseline {peaks['baseline']:.0f}, "
            f"word buckets {peaks['word buckets']:.0f}"
            if args.cuda
            else ""
        )
        print(
            f"{name:<8} {steps:>5} {ours_rate:>14.1f} {base_rate:>17.1f} "
            f"{ours_rate / base_rate:>6.2f}   ({word_rate:.1f}, {word_rate / base_rate:.2f})"
            f"{memory}"
        )


if __name__ == "__main__":
    main()
