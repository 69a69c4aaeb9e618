#!/usr/bin/env bash
# The README's measured real example of the experiment workflow (local only, not CI; issue 13):
# POS on a few hundred real English GUM sentences with multilingual-e5-small, a 2-point lr grid
# per strategy selected on English dev, then fine-tune vs freeze=3 vs mode=feature on six target
# languages, and the Figure-1-style comparison. Needs ../e5-small
# (bash ../shared/tools/build-real-encoder.sh ../e5-small) and ../shared/data/ud-real/.
# Writes under runs/real-strategies/ (git-ignored); re-running skips finished points.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
OUT=runs/real-strategies
DATA=$OUT/data
TRAIN=${TRAIN:-400} DEV=${DEV:-200} TEST=${TEST:-200}
python - "$DATA" "$TRAIN" "$DEV" "$TEST" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, "scripts")
from real_ud_check import sentences, write  # the other real-data scripts' CoNLL-U blocks

out, train, dev, test = Path(sys.argv[1]), *map(int, sys.argv[2:])
src = Path("../shared/data/ud-real")
gum_dev, gum_test = sentences(src / "en_gum-ud-dev.conllu"), sentences(src / "en_gum-ud-test.conllu")
write(out / "en_train.conllu", gum_dev[:train])  # GUM dev stands in for training data (ud-real README)
write(out / "en_dev.conllu", gum_test[:dev])
write(out / "en_test.conllu", gum_test[dev:dev + test])
for path in sorted(src.glob("*-ud-test.conllu")):
    if not path.name.startswith("en_"):
        write(out / (path.name.split("_")[0] + "_test.conllu"), sentences(path)[:test])
PY
export encoder=${encoder:-../e5-small} train_path=$DATA/en_train.conllu dev_path=$DATA/en_dev.conllu
export epochs=${epochs:-3} batch_size=${batch_size:-16}
TESTS=$(ls $DATA/*_test.conllu)
allennlp grid-search training_configs/pos.jsonnet -s $OUT/finetune --grid '{"lr": [3e-5, 5e-5]}' \
  --evaluate $TESTS
freeze=3 allennlp grid-search training_configs/pos.jsonnet -s $OUT/freeze3 \
  --grid '{"lr": [3e-5, 5e-5]}' --evaluate $TESTS
# The feature-based mode has its own recipe (Adam, lr halved on a dev plateau, stop below 1e-5);
# one lr (its default), and FEATURE_EPOCHS caps its epochs to keep the example short.
mode=feature epochs=${FEATURE_EPOCHS:-10} allennlp grid-search training_configs/pos.jsonnet \
  -s $OUT/feature --grid '{"lr": [1e-3]}' --evaluate $TESTS
allennlp compare-results $OUT/{finetune,freeze3,feature}/selected_languages.json \
  --labels finetune,freeze3,feature --output-dir $OUT/comparison
