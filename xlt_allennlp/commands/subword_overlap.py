"""`allennlp subword-overlap`: Figure 3 of Wu & Dredze (2019), subword overlap vs transfer (the
library: `xlt_allennlp.analysis.subword_overlap`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.analysis.overlap_measures import OverlapReport
from xlt_allennlp.analysis.subword_overlap import subword_overlap


@Subcommand.register("subword-overlap")
class SubwordOverlap(Subcommand):
    """`allennlp subword-overlap`: subword overlap of target test files with source training data.

    Registered as a `Subcommand` with name "subword-overlap". Wu & Dredze (2019) section 5.4:
    V_en = the subword types of the source training file, V_l those of a target's test file,
    V_obs = V_en ∩ V_l; p_type = |V_obs| / |V_l| x 100 and p_token = the share (x100) of the
    target's subword tokens whose type is in V_en. Files of any task are read by the package's
    readers (`--dataset-reader`, inferred from the file when not given) and split by the
    encoder's tokenizer; special tokens and bare `▁` markers are not counted. Targets are named as
    for `evaluate-languages` (`de_test.conllu`, or `LANG=PATH`; with `xnli`, `de=xnli.test.tsv`
    reads the German rows only). `--scores` (an `evaluate-languages` JSON) adds Pearson r (with p)
    and Spearman rho between each measure and the zero-shot scores across the target languages,
    and the scatter plot (Figure 3).

    # Usage

    ```
    allennlp subword-overlap SOURCE TARGET [TARGET ...] --encoder ENC -o DIR
        [--dataset-reader READER] [--scores SCORES.json] [--metric METRIC]
        [--source-language en]
    ```

    - `SOURCE`: the source training file (or `LANG=PATH`).
    - `TARGET ...`: files, globs or `LANG=PATH` items, one per language.
    - `--encoder ENC` (required): a Hugging Face encoder name or local path.
    - `-o`, `--output-dir DIR` (required): where the outputs are written.
    - `--dataset-reader`: a reader name (`ud_pos`, `conll_ner`, `mldoc`, `xnli`, ...) or a JSON
      object of its parameters (`'{"type": "conll_ner", "encoding": "latin-1"}'`); default:
      inferred from the file.
    - `--scores`: an `evaluate-languages` JSON of zero-shot scores.
    - `--metric`: the metric of `--scores` (default: its first).
    - `--source-language` (default `en`): the source language, unless `SOURCE` is `LANG=PATH`.

    ```
    allennlp subword-overlap en_ewt-ud-train.conllu UD_*/*-ud-test.conllu \\
        --encoder bert-base-multilingual-cased --scores runs/pos/languages.json -o runs/overlap
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Subword overlap of target test files with the source training data."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("source_file", help="the source training file (or LANG=PATH)")
        subparser.add_argument(
            "target_files", nargs="+", help="files, globs or LANG=PATH items, one per language"
        )
        subparser.add_argument("--encoder", required=True, help="HF name or local path")
        subparser.add_argument(
            "--dataset-reader",
            help="reader name (ud_pos, conll_ner, mldoc, xnli, ...) or a JSON object of its "
            'parameters (\'{"type": "conll_ner", "encoding": "latin-1"}\'); default: inferred',
        )
        subparser.add_argument("--scores", help="an evaluate-languages JSON of zero-shot scores")
        subparser.add_argument("--metric", help="the metric of --scores (default: its first)")
        subparser.add_argument(
            "--source-language",
            default="en",
            help="the source language, unless SOURCE is LANG=PATH",
        )
        subparser.add_argument("-o", "--output-dir", required=True)
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> OverlapReport:
    return subword_overlap(
        args.source_file,
        args.target_files,
        encoder=args.encoder,
        output_dir=args.output_dir,
        dataset_reader=args.dataset_reader,
        scores_file=args.scores,
        metric=args.metric,
        source_language=args.source_language,
    )
