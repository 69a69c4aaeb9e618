"""The private allennlp / allennlp-models / torch names this package relies on, listed once.

Attributes it reads or sets, methods it calls or overrides, private classes it subclasses: each
entry of `PRIVATE_API` names its owner, the parameter names it is expected to have, the modules
of ours that use it and why. `tests/test_private_api.py` checks every entry against the installed
versions (`private_api_problems`) and that the package uses no other private name, so an
upstream rename fails the suite instead of silently falling back (an override no longer called)
or failing in a user's run.
"""

import ast
import importlib
import inspect
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class PrivateName:
    """A private name of allennlp, allennlp-models or torch that the package relies on.

    `owner` is the dotted path of the class or module that defines `name`. `parameters` are the
    parameter names `inspect.signature` gives for it (`self` included for methods; a class: its
    constructor's), or `ATTRIBUTE` for a data attribute, which the owner class must assign as
    `self.<name>` (a module: must have). `called_by` are dotted paths of upstream functions
    that must still use the name: an override is only reached through them, and an attribute
    we set only matters where they read it. `used_by` are our modules; a class of theirs that
    overrides the name must keep `parameters`."""

    owner: str
    name: str
    parameters: Optional[tuple[str, ...]]
    used_by: tuple[str, ...]
    reason: str
    called_by: tuple[str, ...] = ()


ATTRIBUTE = None  # `PrivateName.parameters` of a data attribute

_PARSER = "allennlp_models.structured_prediction.models.biaffine_dependency_parser."
_PARSER += "BiaffineDependencyParser"
_TRAINER = "allennlp.training.gradient_descent_trainer.GradientDescentTrainer"
_SAMPLER = "allennlp.data.samplers.bucket_batch_sampler.BucketBatchSampler"
_READER = "allennlp.data.dataset_readers.dataset_reader.DatasetReader"
_PREDICTOR = "allennlp.predictors.predictor.Predictor"
_OUR_PARSER = "xlt_allennlp.parsing.models.transformer_biaffine_parser"
_OUR_TRAINER = "xlt_allennlp.training.trainer"
_OUR_SAMPLER = "xlt_allennlp.data.bucket_batch_sampler"
_OUR_PREDICTORS = (
    "xlt_allennlp.common.predictors",
    "xlt_allennlp.tagging.predictors.first_subword_tagger",
    "xlt_allennlp.parsing.predictors.transformer_biaffine_parser",
    "xlt_allennlp.classification.predictors.transformer_classifier",
)
_OUR_READERS = (
    "xlt_allennlp.tagging.dataset_readers.ud_pos",
    "xlt_allennlp.tagging.dataset_readers.conll_ner",
    "xlt_allennlp.parsing.dataset_readers.ud_parsing",
    "xlt_allennlp.classification.dataset_readers.mldoc",
    "xlt_allennlp.classification.dataset_readers.xnli",
    "xlt_allennlp.analysis.wili",
)

# fmt: off
PRIVATE_API: tuple[PrivateName, ...] = (
    # The parser (allennlp-models' biaffine parser, reused, not copied).
    PrivateName(_PARSER, "_parse",
                ("self", "embedded_text_input", "mask", "head_tags", "head_indices"),
                (_OUR_PARSER,), "our forward pass runs the upstream decoding and loss"),
    PrivateName(_PARSER, "_mst_decode",
                ("self", "head_tag_representation", "child_tag_representation",
                 "attended_arcs", "mask"),
                (_OUR_PARSER,), "overridden: relation logits without n x n copies (a rename "
                "upstream would silently fall back to the slow path)",
                called_by=(f"{_PARSER}._parse",)),
    PrivateName(_PARSER, "_run_mst_decoding", ("batch_energy", "lengths"),
                (_OUR_PARSER,), "overridden: single-root MST that uses the root scores"),
    PrivateName(_PARSER, "_get_head_tags",
                ("self", "head_tag_representation", "child_tag_representation",
                 "head_indices"),
                (_OUR_PARSER,), "overridden: relation logits of given heads without "
                "torch.bilinear (slow on the CPU)",
                called_by=(f"{_PARSER}._construct_loss", f"{_PARSER}._greedy_decode")),
    PrivateName(_PARSER, "_get_mask_for_eval", ("self", "mask", "pos_tags"),
                (_OUR_PARSER,), "the metric mask without the ignored UPOS tags"),
    PrivateName(_PARSER, "_pos_to_ignore", ATTRIBUTE, (_OUR_PARSER,),
                "we set it to the PUNCT/SYM indices; the metric mask reads it",
                called_by=(f"{_PARSER}._get_mask_for_eval",)),
    PrivateName(_PARSER, "_attachment_scores", ATTRIBUTE, (_OUR_PARSER,),
                "the UAS/LAS metric the upstream constructor builds"),
    PrivateName(_PARSER, "_pos_tag_embedding", ATTRIBUTE,
                (_OUR_PARSER, "xlt_allennlp.parsing.predictors.transformer_biaffine_parser"),
                "whether the model embeds gold UPOS (Z+POS), and the embedding"),
    # The trainer: checkpoints with the random number generators' states; early stop.
    PrivateName(_TRAINER, "_maybe_restore_checkpoint", ("self",), (_OUR_TRAINER,),
                "overridden: reads the generators' states after the checkpoint is restored",
                called_by=(f"{_TRAINER}.train",)),
    PrivateName(_TRAINER, "_train_epoch", ("self", "epoch"), (_OUR_TRAINER,),
                "overridden: sets the generators' states as the first trained epoch begins",
                called_by=(f"{_TRAINER}._try_train",)),
    PrivateName(_TRAINER, "_checkpointer", ATTRIBUTE, (_OUR_TRAINER,),
                "finds the checkpoint the run was restored from"),
    PrivateName(_TRAINER, "_start_after_epochs_completed", ATTRIBUTE, (_OUR_TRAINER,),
                "the epoch a recovered run starts with"),
    PrivateName(_TRAINER, "_start_after_batches_in_epoch_completed", ATTRIBUTE,
                (_OUR_TRAINER,), "a mid-epoch checkpoint is resumed without the states"),
    PrivateName(_TRAINER, "_batches_in_epoch_completed", ATTRIBUTE, (_OUR_TRAINER,),
                "the states are saved with end-of-epoch checkpoints only"),
    PrivateName(_TRAINER, "_metric_tracker", ATTRIBUTE, ("xlt_allennlp.training.callbacks",),
                "`stop_when_lr_below` stops training through the metric tracker",
                called_by=(f"{_TRAINER}._try_train",)),
    PrivateName("allennlp.training.metric_tracker.MetricTracker", "_patience", ATTRIBUTE,
                ("xlt_allennlp.training.callbacks",),
                "patience 0 makes should_stop_early() true: allennlp has no public way to stop "
                "from a callback and still write the best epoch's archive",
                called_by=("allennlp.training.metric_tracker.MetricTracker.should_stop_early",)),
    PrivateName("allennlp.training.learning_rate_schedulers.learning_rate_scheduler",
                "_PyTorchLearningRateSchedulerWithMetricsWrapper", ("lr_scheduler",),
                ("xlt_allennlp.training.learning_rate_schedulers",),
                "the base of the metric-driven schedulers, which has no public name"),
    # The bucket sampler, sorting by padded subword length.
    PrivateName(_SAMPLER, "_argsort_by_padding", ("self", "instances"), (_OUR_SAMPLER,),
                "overridden: sorts by padded_length instead of len(field)",
                called_by=(f"{_SAMPLER}.get_batch_indices",)),
    PrivateName(_SAMPLER, "_guess_sorting_keys", ("self", "instances", "num_instances"),
                (_OUR_SAMPLER,), "sorting keys when the config gives none, as upstream"),
    PrivateName("allennlp.data.fields.text_field.TextField", "_indexed_tokens", ATTRIBUTE,
                (_OUR_SAMPLER,), "whether a text field is indexed yet (has subwords)"),
    # Readers, fields and predictors.
    PrivateName(_READER, "_read", ("self", "file_path"), _OUR_READERS,
                "the reading method every reader implements", called_by=(f"{_READER}.read",)),
    PrivateName("allennlp.data.fields.label_field.LabelField", "_label_namespace",
                ATTRIBUTE, ("xlt_allennlp.data.fields",),
                "the namespace whose labels the located field checks"),
    PrivateName("allennlp.data.fields.sequence_label_field.SequenceLabelField",
                "_label_namespace", ATTRIBUTE, ("xlt_allennlp.data.fields",),
                "the namespace whose labels the located field checks"),
    PrivateName(_PREDICTOR, "_json_to_instance", ("self", "json_dict"), _OUR_PREDICTORS,
                "the JSON-input method every predictor implements",
                called_by=(f"{_PREDICTOR}.predict_json", f"{_PREDICTOR}._batch_json_to_instances")),
    PrivateName(_PREDICTOR, "_batch_json_to_instances", ("self", "json_dicts"),
                ("xlt_allennlp.common.predictors",),
                "overridden: an unusable JSON input is named by its number",
                called_by=(f"{_PREDICTOR}.predict_batch_json",)),
    PrivateName(_PREDICTOR, "_dataset_reader", ATTRIBUTE, _OUR_PREDICTORS,
                "the predictor's reader: builds instances, reads whole files"),
    PrivateName(_PREDICTOR, "_model", ATTRIBUTE,
                ("xlt_allennlp.common.predictors",
                 "xlt_allennlp.parsing.predictors.transformer_biaffine_parser"),
                "the predictor's model"),
    # torch and allennlp internals.
    PrivateName("torch.nn.Module", "_register_load_state_dict_pre_hook",
                ("self", "hook", "with_module"),
                ("xlt_allennlp.modules.token_embedders.first_subword_embedder",),
                "renames the keys of archives written before the backbone existed"),
    PrivateName("allennlp.common.params", "evaluate_file", ATTRIBUTE,
                ("xlt_allennlp.common.ext_vars",),
                "replaced to add XLT_EXT_VARS; Params.from_file must call the module global",
                called_by=("allennlp.common.params.Params.from_file",)),
)
# fmt: on


def resolve(path: str) -> Any:
    """The object at a dotted path: a module, or an attribute of one (`pkg.module.Class.name`)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            found = getattr(found, part)
        return found
    raise ImportError(f"no module in {path!r}")


def parameter_names(function: Any) -> tuple[str, ...]:
    """The parameter names of a callable, as `inspect.signature` gives them."""
    return tuple(inspect.signature(function).parameters)


def assigned_attributes(owner: type) -> set[str]:
    """The names a class's own source assigns as `self.<name>` (annotated or not)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(owner)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def _definition_problems(entry: PrivateName, owner: Any) -> list[str]:
    where = f"{entry.owner}.{entry.name}"
    if entry.parameters is ATTRIBUTE:
        if inspect.isclass(owner) and entry.name not in assigned_attributes(owner):
            return [f"{where}: no longer assigned as self.{entry.name} in {entry.owner}"]
        if not inspect.isclass(owner) and not hasattr(owner, entry.name):
            return [f"{where}: no longer exists"]
        return []
    if not hasattr(owner, entry.name):
        return [f"{where}: no longer exists"]
    found = parameter_names(getattr(owner, entry.name))
    if found != entry.parameters:
        return [f"{where}: parameters {found}, expected {entry.parameters}"]
    return []


def _caller_problems(entry: PrivateName) -> list[str]:
    pattern = re.compile(rf"\b{re.escape(entry.name)}\b")
    problems = []
    for caller in entry.called_by:
        try:
            source = inspect.getsource(resolve(caller))
        except (ImportError, AttributeError):
            problems.append(f"{entry.owner}.{entry.name}: its caller {caller} no longer exists")
            continue
        if not pattern.search(source):
            problems.append(f"{entry.owner}.{entry.name}: {caller} no longer uses it")
    return problems


def _override_problems(entry: PrivateName, owner: Any) -> list[str]:
    if entry.parameters is ATTRIBUTE or not inspect.isclass(owner):
        return []
    problems = []
    for module_name in entry.used_by:
        for ours in vars(importlib.import_module(module_name)).values():
            if not (inspect.isclass(ours) and issubclass(ours, owner) and ours is not owner):
                continue
            if entry.name not in vars(ours):
                continue
            found = parameter_names(getattr(ours, entry.name))
            if found != entry.parameters:
                problems.append(
                    f"{ours.__module__}.{ours.__qualname__}.{entry.name} overrides "
                    f"{entry.owner}.{entry.name} with parameters {found}, "
                    f"expected {entry.parameters}"
                )
    return problems


def private_api_problems(entries: tuple[PrivateName, ...] = PRIVATE_API) -> list[str]:
    """What no longer holds of `entries` in the installed packages (empty: all as expected): a
    name that is gone, a signature or override with other parameter names, an attribute no
    longer assigned, a caller that no longer uses the name."""
    problems: list[str] = []
    for entry in entries:
        try:
            owner = resolve(entry.owner)
        except (ImportError, AttributeError) as error:
            problems.append(f"{entry.owner}: cannot be found ({error})")
            continue
        problems += _definition_problems(entry, owner)
        problems += _caller_problems(entry)
        problems += _override_problems(entry, owner)
    return problems
