#!/usr/bin/env bash
# The measured real example of the selection report (docs/results/selection.md; local only, not
# CI): POS with multilingual-e5-small on 800 real English GUM sentences (batch 16, head lr 1e-3),
# a 2 x 2 grid (encoder lr x epochs) x 2 seeds selected on English dev, every point evaluated on PUD German/French/Chinese (second
# half of the 1,000 parallel sentences) and on UD Dutch/Finnish test sentences; the oracle uses
# the first half of PUD as target dev sets; --soup adds each seed's uniform weight average.
# Needs ../e5-small (bash ../shared/tools/build-real-encoder.sh ../e5-small) and ../shared/data/.
# Writes under runs/real-selection/ (git-ignored); re-running skips finished points.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
OUT=runs/real-selection
DATA=$OUT/data
TRAIN=${TRAIN:-800} DEV=${DEV:-200} TEST=${TEST:-300}
python - "$DATA" "$TRAIN" "$DEV" "$TEST" <<'PY'
import sys
from pathlib import Path
out, train, dev, test = Path(sys.argv[1]), *map(int, sys.argv[2:])
ud, pud = Path("../shared/data/ud-real"), Path("../shared/data/pud")
def sentences(path):
    return [b.strip("\n") + "\n" for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
def write(name, blocks):
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text("\n".join(blocks) + "\n", encoding="utf-8")
gum_dev, gum_test = sentences(ud / "en_gum-ud-dev.conllu"), sentences(ud / "en_gum-ud-test.conllu")
write("en_train.conllu", gum_dev[:train])  # GUM dev stands in for training data (ud-real README)
write("en_dev.conllu", gum_test[:dev])
for language in ("de", "fr", "zh"):
    blocks = sentences(pud / f"{language}_pud-ud-test.conllu")
    write(f"{language}_dev.conllu", blocks[:500])  # target dev: the oracle only
    write(f"{language}_test.conllu", blocks[500:])
for language, name in (("nl", "nl_alpino"), ("fi", "fi_tdt")):
    write(f"{language}_test.conllu", sentences(ud / f"{name}-ud-test.conllu")[:test])
PY
export encoder=../e5-small train_path=$DATA/en_train.conllu dev_path=$DATA/en_dev.conllu
export batch_size=16 head_lr=1e-3
allennlp grid-search training_configs/pos.jsonnet -s "$OUT/grid" \
  --grid '{"lr": [2e-5, 5e-5], "epochs": [3, 5]}' --seeds 1,2 --soup \
  --target-dev "de=$DATA/de_dev.conllu" "fr=$DATA/fr_dev.conllu" "zh=$DATA/zh_dev.conllu" \
  --evaluate "$DATA"/*_test.conllu
