// XNLI, zero-shot cross-lingual natural language inference (Wu & Dredze 2019, sections 4.2, 5).
// Premise and hypothesis go into the encoder as a sentence pair, at most 128 subwords with
// [CLS]/[SEP]; a linear layer + softmax on the last layer's [CLS] vector.
// Train on English MultiNLI, select on English dev, evaluate on the XNLI languages:
// train_path and dev_path are required; encoder defaults to bert-base-multilingual-cased:
//   encoder=bert-base-multilingual-cased train_path=multinli_1.0/multinli_1.0_train.jsonl \
//     dev_path=XNLI-1.0/xnli.dev.tsv languages='["en"]' \
//     allennlp train training_configs/xnli.jsonnet -s runs/xnli
//   allennlp evaluate-languages runs/xnli/model.tar.gz en=XNLI-1.0/xnli.test.tsv \
//     de=XNLI-1.0/xnli.test.tsv ...        (one row per language of the one file)
// `languages` (a JSON list, default: all) selects the rows the VALIDATION reader reads (dev set
// during training; `allennlp evaluate` of the archive, unless overridden with -o).
// mode=feature trains the paper's feature-based variant (frozen encoder, layer mix, BiLSTM).
// Settings read through `args`/`recipe` can be changed from the environment (see README).
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local reader(languages) = {
  type: 'xnli',
  model_name: recipe.encoder,
  // Subwords per pair, [CLS] and [SEP]s included; premise and hypothesis are cut longest first.
  max_length: args.json('max_length', 128),
  languages: languages,
};

{
  // Training reads every row (MultiNLI has no language column: its rows are English).
  dataset_reader: reader(null),
  validation_dataset_reader: reader(args.json('languages', null)),
  model: {
    type: 'transformer_classifier',
    text_field_embedder: {
      token_embedders: {
        tokens: {
          type: 'pretrained_transformer_sequence',
          model_name: recipe.encoder,
          // Fine-tuning: the embeddings (0) and the n lowest blocks frozen (`freeze`; -1 none).
          // mode=feature: the whole encoder frozen, a learned mix of all its hidden states.
        } + recipe.embedder_strategy,
      },
    },
    // Fine-tuning: no seq2seq encoder, the last layer's first token ([CLS] / <s>).
    // mode=feature: a 2-layer BiLSTM, max-pooled over time.
    dropout: args.json('dropout', 0.1),
  } + recipe.sentence_encoders
  + recipe.regularizer,  // soft freezing (freeze_mode=soft): the pretrained-anchor penalty
  trainer: recipe.trainer('+accuracy'),
}
+ recipe.data_paths('multinli_1.0/multinli_1.0_train.jsonl', 'XNLI-1.0/xnli.dev.tsv')
+ recipe.data_loaders
+ recipe.seeds
+ recipe.distributed
