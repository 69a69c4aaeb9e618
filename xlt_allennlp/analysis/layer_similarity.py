"""Per-layer cross-lingual similarity of translations (`allennlp layer-similarity`): the parallel
inputs, their features and the scores of every target language (measures: `similarity_measures`)."""

import json
import logging
import os
from typing import Optional

import torch
from allennlp.common import Tqdm

from xlt_allennlp.analysis.language_files import language_files, require_language_code
from xlt_allennlp.analysis.layer_features import mean_layer_features
from xlt_allennlp.analysis.parallel_text import (
    ParallelText,
    file_format,
    read_parallel,
    translation_pairs,
)
from xlt_allennlp.analysis.similarity_measures import LayerSimilarity, layer_scores
from xlt_allennlp.common.errors import ConfigError

logger = logging.getLogger(__name__)

SCORING = "layer-similarity: scoring languages"  # the progress bar of `score_languages`


def parallel_inputs(inputs: list[str], encoder: str) -> ParallelText:
    """The parallel text of `inputs`: XNLI files, or line-aligned files named by language."""
    files = []
    for language, path, given in language_files(inputs):
        if not given and os.path.isfile(path) and file_format(path) != "xnli":
            require_language_code(language, path)
        files.append((language, path))
    return read_parallel(files, encoder)


def aligned_pairs(
    text: ParallelText, source: str, max_sentences: Optional[int]
) -> dict[str, tuple[list[str], list[str]]]:
    """Target language -> (source sentences, translations), at most `max_sentences` each."""
    if source not in text:
        found = ", ".join(text) or "none"
        raise ConfigError(f"no {source} sentences in the input (languages found: {found})")
    pairs = {}
    for language in text:
        if language == source:
            continue
        sources, targets = translation_pairs(text, source, language)
        if len(sources) < 2:
            raise ConfigError(
                f"{language}: {len(sources)} sentence(s) aligned with {source}; at least 2 are "
                "needed (XNLI rows pair by pairID, other files by line)"
            )
        pairs[language] = (sources[:max_sentences], targets[:max_sentences])
    if not pairs:
        raise ConfigError(f"only {source} in the input: give at least one other language")
    return pairs


def layer_similarity(
    inputs: list[str],
    *,
    encoder: str,
    output_dir: str,
    source_language: str = "en",
    max_sentences: Optional[int] = None,
    max_subwords: int = 128,
    batch_size: int = 32,
    cache_dir: Optional[str] = None,
    cuda_device: int = -1,
) -> LayerSimilarity:
    """CKA and retrieval accuracy of every target language against `source_language` at every
    layer of `encoder`; each distinct sentence goes through the encoder once (all layers kept,
    cached in `cache_dir` when given). Writes `layer_similarity.json`, `.md` and `.png` to
    `output_dir` and prints the table."""
    pairs = aligned_pairs(parallel_inputs(inputs, encoder), source_language, max_sentences)
    index: dict[str, int] = {}
    for sources, targets in pairs.values():
        for sentence in [*sources, *targets]:
            index.setdefault(sentence, len(index))
    features = mean_layer_features(
        encoder,
        list(index),
        max_subwords=max_subwords,
        batch_size=batch_size,
        cache_dir=cache_dir,
        cuda_device=cuda_device,
    )
    similarity = score_languages(pairs, features, index, source_language)
    os.makedirs(output_dir, exist_ok=True)
    stem = os.path.join(output_dir, "layer_similarity")
    with open(stem + ".json", "w", encoding="utf-8") as handle:
        settings = {"encoder": encoder, "inputs": inputs, "max_subwords": max_subwords}
        json.dump({**settings, **similarity.to_json()}, handle, indent=2, ensure_ascii=False)
    with open(stem + ".md", "w", encoding="utf-8") as handle:
        handle.write(similarity.markdown() + "\n")
    from xlt_allennlp.analysis.similarity_heatmap import plot_layer_similarity

    plot_layer_similarity(similarity, stem + ".png")
    print(similarity.markdown(), flush=True)
    logger.info("Wrote %s.json, .md and .png", stem)
    return similarity


def score_languages(
    pairs: dict[str, tuple[list[str], list[str]]],
    features: torch.Tensor,
    index: dict[str, int],
    source_language: str,
) -> LayerSimilarity:
    """Every measure at every layer for each target language's (source sentences,
    translations) in `pairs`, from the rows of `features` that `index` gives each sentence;
    one progress bar over the languages."""
    similarity = LayerSimilarity(source_language)
    progress = Tqdm.tqdm(pairs.items(), desc=SCORING, total=len(pairs), unit=" languages")
    for language, (sources, targets) in progress:
        progress.set_postfix_str(language, refresh=False)
        source_features = features[[index[sentence] for sentence in sources]]
        target_features = features[[index[sentence] for sentence in targets]]
        similarity.scores[language] = layer_scores(source_features, target_features)
        similarity.sentences[language] = len(sources)
    return similarity
