"""Mean-pooled hidden states of every layer of a frozen encoder, with an on-disk cache.

The analyses that probe a frozen encoder layer by layer (the language-ID probe, layer
similarity) need, for each text, the mean over its subwords of each hidden state: one forward
pass gives all L+1 of them (0 = the embedding layer, i = block i). `mean_layer_features`
computes them once and keeps them in a cache file keyed by the encoder's identity (its name or
path and a digest of its files: config, weights, tokenizer), `max_subwords` and the texts, so a
second call with the same texts reads them back instead of running the encoder again.
"""

import functools
import hashlib
import json
import logging
import os
import tempfile
from typing import Optional

import torch
from allennlp.common import Tqdm

logger = logging.getLogger(__name__)

# Bump when the way features are computed changes: old cache files are then never read.
FEATURES_VERSION = 1


def mean_layer_features(
    encoder: str,
    texts: list[str],
    *,
    max_subwords: int = 128,
    batch_size: int = 32,
    cache_dir: Optional[str] = None,
    cuda_device: int = -1,
) -> torch.Tensor:
    """float32 `[len(texts), num_layers + 1, hidden]`: for each text, the mean over its
    non-padding subwords (special tokens included) of each hidden state of `encoder` (a Hugging
    Face name in the local cache or a local path; index 0 = the embedding layer).

    Each text is tokenized by the encoder's tokenizer and cut to `max_subwords` subwords,
    special tokens included; the encoder runs frozen, in eval mode, without autograd. With a
    `cache_dir`, the result is read from there when the same encoder (`encoder_identity`),
    `max_subwords` and texts were seen before, and written there otherwise. The features do not
    depend on `batch_size` beyond float rounding (texts are batched in order of length).
    """
    path = None
    if cache_dir is not None:
        path = os.path.join(cache_dir, f"{cache_key(encoder, texts, max_subwords)}.pt")
        if os.path.exists(path):
            logger.info("layer features of %d texts read from %s", len(texts), path)
            return torch.load(path, map_location="cpu", weights_only=True)
    features = _compute(encoder, texts, max_subwords, batch_size, cuda_device)
    if path is not None:
        _save_atomically(features, path)
        logger.info("layer features of %d texts written to %s", len(texts), path)
    return features


def encoder_identity(encoder: str) -> str:
    """What identifies an encoder's features: its local directory (a path, or the snapshot
    folder of a hub name in the Hugging Face cache) and a SHA-256 digest of the contents of the
    files there (config, weights, tokenizer). Changing any of them changes the identity."""
    directory = _encoder_directory(encoder)
    digest = hashlib.sha256()
    for name in sorted(os.listdir(directory)):
        file_path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(file_path):
            continue
        digest.update(name.encode() + b"\0" + _file_digest(file_path).encode() + b"\0")
    return f"{encoder}|{os.path.abspath(directory)}|{digest.hexdigest()}"


def cache_key(encoder: str, texts: list[str], max_subwords: int) -> str:
    """The cache file name (without `.pt`) of these texts' features."""
    digest = hashlib.sha256()
    header = {"version": FEATURES_VERSION, "encoder": encoder_identity(encoder)}
    header["max_subwords"] = max_subwords
    digest.update(json.dumps(header, sort_keys=True).encode())
    for text in texts:
        encoded = text.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little") + encoded)
    return digest.hexdigest()


def _encoder_directory(encoder: str) -> str:
    if os.path.isdir(encoder):
        return encoder
    from transformers.utils import cached_file

    from xlt_allennlp.common.encoders import require_encoder

    require_encoder(encoder)  # a one-line error if it is neither local nor in the cache
    config = cached_file(encoder, "config.json")
    if config is None:
        raise FileNotFoundError(f"no config.json for the encoder {encoder!r}")
    return os.path.dirname(config)


@functools.lru_cache(maxsize=64)
def _file_digest_of(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_digest(path: str) -> str:
    real = os.path.realpath(path)  # hub snapshots link to blobs
    stat = os.stat(real)
    return _file_digest_of(real, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=2)
def frozen_backbone(encoder: str):
    """The encoder loaded once per process as every model of the package loads it
    (`TransformerBackbone`), frozen and in eval mode."""
    from xlt_allennlp.modules.transformer_backbone import TransformerBackbone

    return TransformerBackbone(encoder, train_parameters=False)


def _compute(
    encoder: str, texts: list[str], max_subwords: int, batch_size: int, cuda_device: int
) -> torch.Tensor:
    backbone = frozen_backbone(encoder)
    layers, hidden = backbone.config.num_hidden_layers + 1, backbone.config.hidden_size
    if not texts:
        return torch.zeros(0, layers, hidden, dtype=torch.float32)
    tokenizer = backbone.tokenizer.tokenizer
    if backbone.max_positions is not None:
        max_subwords = min(max_subwords, backbone.max_positions)
    ids = tokenizer(list(texts), truncation=True, max_length=max_subwords)["input_ids"]
    device = torch.device("cpu" if cuda_device < 0 else f"cuda:{cuda_device}")
    model = backbone.transformer_model.to(device).eval()
    features = torch.zeros(len(texts), layers, hidden, dtype=torch.float32)
    order = sorted(range(len(ids)), key=lambda index: len(ids[index]))
    pad = tokenizer.pad_token_id or 0
    starts = range(0, len(order), batch_size)
    for start in Tqdm.tqdm(starts, desc="layer features", total=len(starts), unit="batch"):
        batch = order[start : start + batch_size]
        width = max(len(ids[index]) for index in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros(len(batch), width, dtype=torch.long)
        for row, index in enumerate(batch):
            input_ids[row, : len(ids[index])] = torch.tensor(ids[index])
            mask[row, : len(ids[index])] = 1
        means = hidden_state_means(model, input_ids.to(device), mask.to(device))
        features[batch] = means.cpu()
    return features


def hidden_state_means(
    transformer: torch.nn.Module, input_ids: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """[batch, layers + 1, hidden] float32: each hidden state of a Hugging Face encoder (index 0
    = the embeddings) averaged over the positions where `mask` is 1; no autograd. The one
    definition of the features, for the cache and the `langid_probe` model alike."""
    with torch.no_grad():
        output = transformer(
            input_ids=input_ids, attention_mask=mask.long(), output_hidden_states=True
        )
    stacked = torch.stack(output.hidden_states, dim=1).float()  # [batch, layers, subwords, dim]
    weights = mask.float()[:, None, :, None]
    return (stacked * weights).sum(dim=2) / weights.sum(dim=2).clamp(min=1.0)


def _save_atomically(features: torch.Tensor, path: str) -> None:
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(handle)
    try:
        torch.save(features.contiguous(), temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
