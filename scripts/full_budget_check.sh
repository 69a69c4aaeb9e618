#!/usr/bin/env bash
# Full-budget zero-shot runs on real UD (local only, not CI): POS tagging or parsing trained on all
# the English UD training text at hand, selected on English dev, evaluated on every target
# treebank and on PUD (the same 1,000 sentences in English, German, French and Chinese).
#
#   UD=UD_REAL_DIR PUD=PUD_DIR encoder=ENCODER TASK=parsing \
#     bash scripts/full_budget_check.sh NAME [EXT_VAR=VALUE ...]
#
# NAME names the run (runs/full-budget/TASK-NAME); the EXT_VAR=VALUE pairs are its settings, e.g.
# `finetune`, `freeze3 freeze=3`, `soft freeze=3 freeze_mode=soft`, `feature mode=feature
# epochs=10`, `paper paper=true`. Each run is a one-point `allennlp grid-search` (lr 5e-5, or 1e-3
# with mode=feature), so re-running the same command skips a finished run and resumes an
# interrupted one from its last epoch's checkpoint.
# Data (from UD_REAL_DIR, files named as in UD): training = UD_English-GUM dev + UD_English-LinES
# train + UD_English-ParTUT train (6,813 sentences); English dev = the first 500 sentences of
# UD_English-GUM test, English test = the other 964; targets = the whole test file of every other
# `*-ud-test.conllu`. PUD_DIR: `{en,de,fr,zh}_pud-ud-test.conllu`, evaluated separately (English
# PUD is the source-language row of that table).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
NAME=${1:?usage: full_budget_check.sh NAME [EXT_VAR=VALUE ...]}
shift
TASK=${TASK:-parsing}
OUT=runs/full-budget
DATA=$OUT/data
python - "${UD:?set UD to the real UD directory}" "$DATA" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, "scripts")
from real_ud_check import sentences, write  # the other real-data scripts' CoNLL-U blocks

src, out = Path(sys.argv[1]), Path(sys.argv[2])
train = [
    s
    for name in ("en_gum-ud-dev", "en_lines-ud-train", "en_partut-ud-train")
    for s in sentences(src / f"{name}.conllu")
]
gum_test = sentences(src / "en_gum-ud-test.conllu")
files = {"en_train": train, "en_dev": gum_test[:500], "en_test": gum_test[500:]}
for path in sorted(src.glob("*-ud-test.conllu")):
    if not path.name.startswith("en_"):
        files[path.name.split("_")[0] + "_test"] = sentences(path)
for name, blocks in files.items():
    if not (out / f"{name}.conllu").exists():  # a run in progress reads them
        write(out / f"{name}.conllu", blocks)
PY
export train_path=$DATA/en_train.conllu dev_path=$DATA/en_dev.conllu
export epochs=${epochs:-3} batch_size=${batch_size:-16}
for setting in "$@"; do export "${setting?}"; done
LR=5e-5
if [[ "${mode:-finetune}" == feature ]]; then LR=1e-3; fi
RUN=$OUT/$TASK-$NAME
METRIC=$([[ $TASK == parsing ]] && echo UAS,LAS || echo accuracy)
allennlp grid-search "training_configs/$TASK.jsonnet" -s "$RUN" --grid "{\"lr\": [$LR]}" \
  --evaluate "$DATA"/*_test.conllu --metrics "$METRIC" --include-package xlt_allennlp
MODEL=$(ls "$RUN"/*/model.tar.gz)
if [[ ! -f $RUN/pud.json ]]; then
  allennlp evaluate-languages "$MODEL" "${PUD:?set PUD to the PUD directory}"/*_pud-ud-test.conllu \
    --metrics "$METRIC" --output-file "$RUN/pud.json" --include-package xlt_allennlp
fi
rm -f "$RUN"/*/best.th "$RUN"/*/*_state_*.th  # model.tar.gz holds the selected weights
cat "$RUN/selected_languages.md" "$RUN/pud.md"
