// Language-identification probe of one encoder layer (Wu & Dredze 2019, section 5.3, Figure 2).
// The encoder is frozen; the mean over the subwords of the first two sentences of a paragraph,
// taken from layer `layer` (0 = embeddings ... L; -1 = the last, the default), feeds a linear
// softmax classifier, trained like the feature-based mode: Adam lr 1e-3, the lr halved after
// every epoch without a new best dev accuracy, stopped once it is below 1e-5.
//   encoder=bert-base-multilingual-cased train_path=wili/x_train.txt test_path=wili/x_test.txt \
//     layer=6 allennlp train training_configs/langid.jsonnet -s runs/langid-6
// Every layer in one command, the encoder run once per paragraph (cached):
//   allennlp langid-layers training_configs/langid.jsonnet -s runs/langid --layers all
// WiLI has no dev split: without dev_path, a seeded stratified hold-out of the training file
// (`dev_fraction` of each language, seed `dev_seed`) is dev and the rest trains. A file named
// x_*.txt is read with its y_*.txt labels; any other file as LABEL<TAB>TEXT lines.
// `languages_file` (default `mbert`: the 102 WiLI labels of mBERT's languages, shipped in
// xlt_allennlp/analysis/mbert_wili_languages.txt; `none`: every language) selects languages.
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local languages_file = args.str('languages_file', 'mbert');
local part(paths, name) = std.join(',', [path + '#' + name for path in std.split(paths, ',')]);
local hint = 'the labelled training paragraphs, e.g. `train_path=wili/x_train.txt ' +
             'test_path=wili/x_test.txt allennlp train CONFIG -s runs/NAME`';
local train_path = args.required('train_path', hint);
local dev_path = args.str('dev_path', '');
local test_path = args.str('test_path', '');

{
  dataset_reader: {
    type: 'wili',
    model_name: recipe.encoder,
    // Subwords of the first two sentences, [CLS] and [SEP] included.
    max_length: args.json('max_length', 128),
    languages_file: if languages_file == 'none' then null else languages_file,
    dev_fraction: args.json('dev_fraction', 0.1),
    dev_seed: args.json('dev_seed', 13),
    // `script` (default): the splitter chosen from the paragraph's script, never from its gold
    // label; `label`: by the labelled language; `none`: the package's rules for every paragraph.
    sentence_language: args.str('sentence_language', 'script'),
  },
  train_data_path: if dev_path == '' then part(train_path, 'train') else train_path,
  validation_data_path: if dev_path == '' then part(train_path, 'dev') else dev_path,
  [if test_path != '' then 'test_data_path']: test_path,
  [if test_path != '' then 'evaluate_on_test']: true,
  model: {
    type: 'langid_probe',
    model_name: recipe.encoder,
    layer: args.json('layer', -1),
  },
  trainer: {
    type: 'exact_resume_gradient_descent',
    num_epochs: args.json('epochs', 100),  // an upper bound: training stops on the lr
    cuda_device: args.json('cuda_device', -1),
    validation_metric: '+accuracy',
    checkpointer: { keep_most_recent_by_count: 1 },
    optimizer: { type: 'adam', lr: args.json('lr', 1e-3) },
    learning_rate_scheduler: {
      type: 'reduce_on_validation_plateau',
      factor: args.json('lr_factor', 0.5),
      patience: 0,
    },
    callbacks: [{ type: 'stop_when_lr_below', min_lr: args.json('min_lr', 1e-5) }],
  },
}
+ recipe.data_loaders
+ recipe.seeds
