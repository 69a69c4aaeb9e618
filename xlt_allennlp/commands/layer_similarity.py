"""`allennlp layer-similarity`: per-layer cross-lingual similarity of translations (the library:
`xlt_allennlp.analysis.layer_similarity`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.analysis.layer_similarity import layer_similarity
from xlt_allennlp.analysis.similarity_measures import LayerSimilarity


@Subcommand.register("layer-similarity")
class LayerSimilarityCommand(Subcommand):
    """`allennlp layer-similarity`: per-layer similarity of sentence vectors across languages.

    Registered as a `Subcommand` with name "layer-similarity". Beyond the paper (Conneau, Wu et al.
    2020; Libovický et al. 2019): for every layer of the encoder (0 = embeddings), the linear CKA
    between the mean-pooled sentence vectors of the source language (`--source-language`, default
    en) and of each other language over their translations, and top-1 translation retrieval
    accuracy (each target sentence's nearest source sentence by cosine is its translation), plain
    and after subtracting each language's mean vector. Input: XNLI dev/test files (15-way
    parallel: rows with the same `pairID`; premises and hypotheses are the sentences), or
    line-aligned files, one per language, named like `evaluate-languages` inputs (`en.txt de.txt`,
    `de=europarl.de`; plain text with one sentence per line, or the CoNLL-U files of a parallel
    treebank such as PUD). Writes `layer_similarity.json`, `.md` and a heatmap `.png` (languages x
    layers) to `-o DIR`.

    # Usage

    ```
    allennlp layer-similarity FILE [FILE ...] --encoder ENC -o DIR [--source-language en]
        [--max-sentences N] [--max-subwords 128] [--batch-size 32] [--cache-dir DIR]
        [--cuda-device N]
    ```

    - `FILE ...`: XNLI files or `LANG=PATH` items.
    - `--encoder ENC` (required): a Hugging Face encoder name or local path.
    - `-o`, `--output-dir DIR` (required): where the outputs are written.
    - `--source-language` (default `en`): the language the others are compared with.
    - `--max-sentences`: at most this many sentence pairs per language (the first N).
    - `--max-subwords` (default 128): each sentence is cut to this many subwords.
    - `--batch-size` (default 32): sentences per forward pass.
    - `--cache-dir`: keep the layer features here for reuse (default: not cached).
    - `--cuda-device` (default -1, the CPU): the device to run on.

    ```
    allennlp layer-similarity XNLI-1.0/xnli.test.tsv --encoder bert-base-multilingual-cased \\
        -o runs/layer-similarity --max-sentences 2000 --cuda-device 0
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Per-layer CKA and translation retrieval across languages."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("input_files", nargs="+", help="XNLI files or LANG=PATH items")
        subparser.add_argument("--encoder", required=True, help="HF name or local path")
        subparser.add_argument("-o", "--output-dir", required=True)
        subparser.add_argument("--source-language", default="en")
        subparser.add_argument(
            "--max-sentences", type=int, help="at most this many pairs per language (first N)"
        )
        subparser.add_argument("--max-subwords", type=int, default=128)
        subparser.add_argument("--batch-size", type=int, default=32)
        subparser.add_argument("--cache-dir", help="keep the layer features here for reuse")
        subparser.add_argument("--cuda-device", type=int, default=-1)
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> LayerSimilarity:
    return layer_similarity(
        args.input_files,
        encoder=args.encoder,
        output_dir=args.output_dir,
        source_language=args.source_language,
        max_sentences=args.max_sentences,
        max_subwords=args.max_subwords,
        batch_size=args.batch_size,
        cache_dir=args.cache_dir,
        cuda_device=args.cuda_device,
    )
