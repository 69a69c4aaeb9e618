"""Tree decoding: our single-root decoder vs the allennlp-based one it replaced.

Both run in this one process. The baseline is the previous `single_root_mst` (allennlp's
pure-Python `decode_mst`, then one more call per root child it proposes), kept as the test
reference in tests/parsing/test_tree_decoding.py; ours is `xlt_allennlp.parsing.tree_decoding`
(our numpy Chu-Liu-Edmonds). Prints, for each:

1. seconds per sentence on arc scores like an untrained parser's (log-softmax over heads of
   N(0, 1) logits) of 20, 140 and 600 words, and whether both return the same trees;
2. evaluating the parser of fixtures/configs/parsing.jsonnet (random head, or `--archive`) on
   real sentence lengths (`--data`, sentences of up to 140 words as at evaluation) and on one
   600-word sentence as `allennlp predict` would: seconds in all, in allennlp-models'
   `_mst_decode` (relation scores of all word pairs, energy, decoder) and in the decoder alone.

    .venv/bin/python benchmarks/tree_decoding.py                       # tiny encoder
    .venv/bin/python benchmarks/tree_decoding.py --encoders tiny,base --sentences 500
"""

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy
import torch
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.models.archival import load_archive
from allennlp.nn.util import move_to_device

# train_throughput: the POS benchmark beside this file (its directory is on sys.path when this
# script runs).
from train_throughput import ROOT, TINY, bert_base_shaped

import xlt_allennlp  # noqa: F401
import xlt_allennlp.parsing.models.transformer_biaffine_parser as parser_module
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.parsing.tree_decoding import single_root_mst, tree_score

sys.path.insert(0, str(ROOT))
from tests.parsing.test_tree_decoding import allennlp_single_root_mst  # noqa: E402

Decoder = Callable[[numpy.ndarray, int], numpy.ndarray]
DECODERS: dict[str, Decoder] = {"allennlp": allennlp_single_root_mst, "ours": single_root_mst}
CONFIG = ROOT / "fixtures" / "configs" / "parsing.jsonnet"
REAL_DATA = ROOT.parent / "shared" / "data" / "ud-real" / "en_gum-ud-test.conllu"
FIXTURE_DATA = ROOT / "fixtures" / "data" / "ud" / "en_dev.conllu"


def random_scores(rng: numpy.random.Generator, words: int) -> numpy.ndarray:
    logits = rng.normal(0.0, 1.0, (words + 1, words + 1))
    return logits - numpy.log(numpy.exp(logits).sum(axis=0, keepdims=True))


def time_random(lengths: list[int], budget: float) -> None:
    """Part 1: seconds per sentence of each decoder on the same random score matrices (wall
    clock, and CPU time of this process: both decoders run on one thread)."""
    print(
        f"\n{'words':>5} {'sentences':>9} {'allennlp s':>11} {'ours s':>9} {'ours CPU s':>11} "
        f"{'ratio':>7}  same"
    )
    for words in lengths:
        rng = numpy.random.default_rng(words)
        matrices = [random_scores(rng, words)]
        start = time.perf_counter()
        allennlp_single_root_mst(matrices[0], words + 1)
        # As many sentences as the baseline decodes in `budget` seconds (200 at most).
        count = max(1, min(200, int(budget / (time.perf_counter() - start))))
        matrices += [random_scores(rng, words) for _ in range(count - 1)]
        seconds, cpu_seconds, heads = {}, {}, {}
        for name, decoder in DECODERS.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            heads[name] = [decoder(matrix, words + 1) for matrix in matrices]
            seconds[name] = (time.perf_counter() - start) / count
            cpu_seconds[name] = (time.process_time() - cpu_start) / count
        same = sum(  # the same tree, or a better one from ours
            bool((old == new).all()) or tree_score(matrix, new) > tree_score(matrix, old)
            for old, new, matrix in zip(heads["allennlp"], heads["ours"], matrices, strict=True)
        )
        old, new = seconds["allennlp"], seconds["ours"]
        print(
            f"{words:>5} {count:>9} {old:>11.4f} {new:>9.4f} {cpu_seconds['ours']:>11.4f} "
            f"{old / new:>6.1f}x  {same}/{count}"
        )


@contextmanager
def timed(owner: object, name: str, function: Callable | None = None) -> Iterator[list[float]]:
    """Replaces `owner.name` by `function` (default: itself) for a while; yields its call times."""
    original = getattr(owner, name)
    had_own = name in vars(owner)  # a module's function; else a bound method of the model
    function = function or original
    calls: list[float] = []

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            calls.append(time.perf_counter() - start)

    setattr(owner, name, wrapper)
    try:
        yield calls
    finally:
        if had_own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


def measure(model: Model, decoder: Decoder, run: Callable[[], None]) -> tuple[float, ...]:
    """Seconds of `run()` with the parser decoding by `decoder`: in all, in allennlp-models'
    `_mst_decode` (the pairwise label scores, the arc x label energy, then the decoder), and in
    the decoder."""
    with (
        timed(parser_module, "single_root_mst", decoder) as decoder_calls,
        timed(model, "_mst_decode") as step_calls,
    ):
        start = time.perf_counter()
        run()
        total = time.perf_counter() - start
    return total, sum(step_calls), sum(decoder_calls)


def build(
    encoder: str, data: Path, archive: Path | None, device: torch.device
) -> tuple[Model, DataLoader, DatasetReader]:
    """The parser (its evaluation reader and loader on `data`), from an archive or untrained."""
    if archive is not None:
        loaded = load_archive(str(archive))
        params, model = loaded.config.duplicate(), loaded.model
        reader = loaded.validation_dataset_reader
    else:
        params = Params.from_file(
            str(CONFIG),
            ext_vars={"encoder": encoder, "train_path": str(data), "dev_path": str(data)},
        )
        reader = DatasetReader.from_params(params.pop("validation_dataset_reader"))
    loader = DataLoader.from_params(
        params.pop("validation_data_loader"), reader=reader, data_path=str(data)
    )
    if archive is None:
        vocab = Vocabulary.from_instances(loader.iter_instances())
        torch.manual_seed(0)
        model = Model.from_params(params.pop("model"), vocab=vocab)
    loader.index_with(model.vocab)
    model.to(device).eval()
    return model, loader, reader


def evaluate(model: Model, loader: DataLoader, device: torch.device) -> None:
    """Forward passes over every batch, the metrics included."""
    with torch.no_grad():
        for batch in loader:
            model(**move_to_device(batch, device))
    model.get_metrics(reset=True)


def long_sentence(data: Path, words: int) -> list[str]:
    """The first `words` words of `data`, as one sentence."""
    forms = [word.form for sentence in read_conllu(str(data)) for word in sentence.words]
    return (forms * (words // max(len(forms), 1) + 1))[:words]


def first_sentences(data: Path, count: int, directory: Path) -> Path:
    """A copy of the first `count` sentences of a CoNLL-U file."""
    blocks = data.read_text(encoding="utf-8").split("\n\n")
    subset = directory / data.name
    subset.write_text("\n\n".join(blocks[:count]).strip("\n") + "\n\n", encoding="utf-8")
    return subset


def time_parser(
    name: str, encoder: str, data: Path, archive: Path | None, device: torch.device
) -> None:
    """Part 2: evaluation and a 600-word prediction with each decoder (the prediction with ours
    only, but on the untrained tiny parser: the baseline's pure-Python `decode_mst` on 600 words,
    once per root word proposed, took over 10 minutes on the other parsers)."""
    model, loader, reader = build(encoder, data, archive, device)
    instances = list(loader.iter_instances())
    lengths = [len(instance["words"]) for instance in instances]
    print(
        f"\n{name}: {len(instances)} sentences of {data.name} (max_words 140), "
        f"{numpy.mean(lengths):.1f} words on average, longest {max(lengths)}"
    )
    long = reader.text_to_instance(long_sentence(data, 600))
    reader.apply_token_indexers(long)
    with torch.no_grad():  # warm-up
        model(**move_to_device(next(iter(loader)), device))
    print(
        f"{'run':<18} {'decoder':<9} {'total s':>8} {'decode step s':>14} {'share':>6} "
        f"{'decoder s':>10} {'share':>6}"
    )
    runs = {
        "evaluation": lambda: evaluate(model, loader, device),
        "predict 600 words": lambda: model.forward_on_instance(long),
    }
    for run_name, run in runs.items():
        totals = {}
        skip_baseline = run_name.startswith("predict") and name != "tiny"
        for decoder_name, decoder in DECODERS.items():
            if skip_baseline and decoder_name == "allennlp":
                continue
            total, step, decoding = measure(model, decoder, run)
            totals[decoder_name] = total
            print(
                f"{run_name:<18} {decoder_name:<9} {total:>8.2f} {step:>14.2f} "
                f"{step / total:>6.1%} {decoding:>10.3f} {decoding / total:>6.1%}"
            )
        if not skip_baseline:
            ratio = totals["allennlp"] / totals["ours"]
            print(f"{run_name:<18} {'ratio':<9} {ratio:>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoders", default="tiny", help="comma-separated: tiny, base")
    parser.add_argument(
        "--data",
        type=Path,
        default=REAL_DATA if REAL_DATA.exists() else FIXTURE_DATA,
        help="CoNLL-U file for the evaluation (default: real GUM test if present)",
    )
    parser.add_argument("--sentences", type=int, default=200, help="first N sentences of --data")
    parser.add_argument("--archive", type=Path, help="a trained parser (default: untrained)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per random length")
    parser.add_argument("--skip-parser", action="store_true", help="random matrices only")
    parser.add_argument("--cuda", action="store_true", help="the parser on the GPU (default: CPU)")
    args = parser.parse_args()
    if args.cuda and not torch.cuda.is_available():
        raise SystemExit("--cuda: no GPU available to torch")
    device = torch.device("cuda" if args.cuda else "cpu")
    where = torch.cuda.get_device_name(device) if args.cuda else "CPU"
    print(f"torch {torch.__version__}, {where}, {torch.get_num_threads()} threads")
    time_random([20, 140, 600], args.budget)
    if args.skip_parser:
        return
    temporary = Path(tempfile.mkdtemp(prefix="xlt-bench-"))
    try:
        data = first_sentences(args.data, args.sentences, temporary)
        for name in args.encoders.split(",") if args.archive is None else ["archive"]:
            if name == "archive":
                encoder = ""
            elif name == "tiny":
                encoder = str(TINY)
            elif name == "base":
                encoder = bert_base_shaped(temporary / "bert-base-shaped")
            else:
                raise SystemExit(f"unknown encoder {name!r} (use tiny or base)")
            time_parser(name, encoder, data, args.archive, device)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
