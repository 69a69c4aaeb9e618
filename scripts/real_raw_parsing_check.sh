#!/usr/bin/env bash
# End-to-end parsing from raw text vs from gold tokens (docs/raw-text.md; local only, not CI):
# a parser trained on 500 real English GUM sentences (3 epochs) with multilingual-e5-small,
# then 300 sentences of GUM test and of PUD en/de/fr/zh predicted twice: from the gold CoNLL-U
# (gold tokens) and from their raw text (the `# text` lines, paragraphs kept), scored by
# scripts/measure_raw_parsing.py. Needs ../e5-small (bash ../shared/tools/build-real-encoder.sh
# ../e5-small) and ../shared/data/. Writes under runs/raw-parse/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
OUT=runs/raw-parse
mkdir -p $OUT/data $OUT/eval
python - <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "scripts")
from measure_raw_text import gold_segmentation
def sentences(p):
    return [b.strip("\n") + "\n" for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip()]
ud, pud, out = Path("../shared/data/ud-real"), Path("../shared/data/pud"), Path("runs/raw-parse")
gum_dev, gum_test = sentences(ud / "en_gum-ud-dev.conllu"), sentences(ud / "en_gum-ud-test.conllu")
(out / "data/en_train.conllu").write_text("\n".join(gum_dev[:500]) + "\n", encoding="utf-8")
(out / "data/en_dev.conllu").write_text("\n".join(gum_test[:200]) + "\n", encoding="utf-8")
sets = {"en_gum": gum_test[200:500]}
for language in ("en", "de", "fr", "zh"):
    sets[f"{language}_pud"] = sentences(pud / f"{language}_pud-ud-test.conllu")[:300]
for name, blocks in sets.items():
    gold = out / "eval" / f"{name}.conllu"
    gold.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    _, paragraphs = gold_segmentation(str(gold))
    (out / "eval" / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
PY
[ -f $OUT/parser/model.tar.gz ] || encoder=../e5-small train_path=$OUT/data/en_train.conllu \
  dev_path=$OUT/data/en_dev.conllu epochs=3 batch_size=16 lr=5e-5 \
  allennlp train training_configs/parsing.jsonnet -s $OUT/parser
for name in en_gum en_pud de_pud fr_pud zh_pud; do
  language=${name%%_*}
  allennlp predict $OUT/parser/model.tar.gz $OUT/eval/$name.conllu --use-dataset-reader --silent \
    --output-file $OUT/eval/$name.from_gold.conllu --batch-size 16
  allennlp predict $OUT/parser/model.tar.gz $OUT/eval/$name.txt --use-dataset-reader --silent \
    --output-file $OUT/eval/$name.from_raw.conllu --batch-size 16 \
    --predictor-args "{\"input\": \"text\", \"language\": \"$language\"}"
  echo "== $name"
  python scripts/measure_raw_parsing.py $OUT/eval/$name.conllu $OUT/eval/$name.from_gold.conllu \
    $OUT/eval/$name.from_raw.conllu
done
