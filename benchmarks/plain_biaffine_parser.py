"""The baseline of `train_throughput.py --task parsing`: a plain PyTorch + transformers parser.

Dozat & Manning's biaffine parser the way a research script writes it on a Hugging Face encoder
(as SuPar's or MaChAmp's recipes do, without their machinery): `AutoModel`, the first subword of
each word gathered by `word_ids()`, the [CLS] vector as the root, ELU feed-forwards of the
parsing config's sizes (arcs 500, relations 100), a biaffine arc scorer, a bilinear relation
scorer on the gold heads written as an einsum as SuPar's `Biaffine` does (`torch.nn.Bilinear`
is 12-25x slower forward + backward on the CPU), cross-entropy for both; shuffled batches padded
to the longest sentence. Truncates at the config's window (512 subwords) where ours slides.
"""

import random
from collections.abc import Iterator
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from xlt_allennlp.data.conllu import read_conllu

ARC_DIM = 500
RELATION_DIM = 100
DROPOUT = 0.1
MAX_LENGTH = 512


class PlainBiaffineParser(torch.nn.Module):
    def __init__(self, encoder: str, relations: int) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder, add_pooling_layer=False)
        hidden = self.encoder.config.hidden_size

        def mlp(size: int) -> torch.nn.Module:
            return torch.nn.Sequential(
                torch.nn.Linear(hidden, size), torch.nn.ELU(), torch.nn.Dropout(DROPOUT)
            )

        self.arc_head, self.arc_child = mlp(ARC_DIM), mlp(ARC_DIM)
        self.relation_head, self.relation_child = mlp(RELATION_DIM), mlp(RELATION_DIM)
        self.arc_weight = torch.nn.Parameter(torch.zeros(ARC_DIM, ARC_DIM))
        self.arc_bias = torch.nn.Parameter(torch.zeros(ARC_DIM))
        self.relation_weight = torch.nn.Parameter(
            torch.randn(relations, RELATION_DIM, RELATION_DIM) / RELATION_DIM
        )
        self.relation_bias = torch.nn.Parameter(torch.zeros(relations))
        self.dropout = torch.nn.Dropout(DROPOUT)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        first_subwords: torch.Tensor,
        word_mask: torch.Tensor,
        heads: torch.Tensor,
        relations: torch.Tensor,
    ) -> torch.Tensor:
        """Arc + relation loss; `first_subwords[b, 0] = 0` ([CLS], the root), `heads` and
        `relations` per word (position 0 and padding ignored through `word_mask`)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        index = first_subwords.unsqueeze(-1).expand(-1, -1, hidden.size(-1))
        words = self.dropout(hidden.gather(1, index))  # [batch, 1 + words, hidden]
        arc_heads, arc_children = self.arc_head(words), self.arc_child(words)
        # scores[b, child, head] = child W head^T + head . bias
        scores = arc_children @ self.arc_weight @ arc_heads.transpose(1, 2)
        scores = scores + (arc_heads @ self.arc_bias).unsqueeze(1)
        scores = scores.masked_fill(~word_mask.unsqueeze(1), float("-inf"))
        gold = word_mask.clone()
        gold[:, 0] = False
        arc_loss = torch.nn.functional.cross_entropy(scores[gold], heads[gold])
        relation_heads = self.relation_head(words)
        chosen = relation_heads.gather(1, heads.unsqueeze(-1).expand_as(relation_heads))
        children = self.relation_child(words)[gold]
        logits = torch.einsum("wi,lij,wj->wl", chosen[gold], self.relation_weight, children)
        logits = logits + self.relation_bias
        return arc_loss + torch.nn.functional.cross_entropy(logits, relations[gold])


def examples(
    encoder: str, train: Path
) -> tuple[list[tuple[list[int], list[int], list[int], list[int]]], int, int]:
    """(input_ids, first-subword positions with 0 first, heads, relation ids) per sentence, the
    number of relations and the tokenizer's pad id."""
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    sentences = list(read_conllu(str(train)))
    relation_id: dict[str, int] = {}
    rows = []
    for sentence in sentences:
        forms = [word.form for word in sentence.words]
        encoding = tokenizer(
            forms, is_split_into_words=True, truncation=True, max_length=MAX_LENGTH
        )
        firsts = [0]
        previous = None
        for position, word_index in enumerate(encoding.word_ids()):
            if word_index is not None and word_index != previous:
                firsts.append(position)
            previous = word_index
        kept = len(firsts) - 1  # words whose first subword fits the window
        heads = [0] + [min(int(word.head), kept) for word in sentence.words[:kept]]
        relations = [0] + [
            relation_id.setdefault(word.deprel.split(":")[0], len(relation_id))
            for word in sentence.words[:kept]
        ]
        rows.append((encoding["input_ids"], firsts, heads, relations))
    return rows, len(relation_id), tokenizer.pad_token_id


def padded(values: list[int], size: int) -> list[int]:
    return values + [0] * (size - len(values))


def batches(
    rows: list[tuple[list[int], list[int], list[int], list[int]]],
    batch_size: int,
    pad: int,
    device: torch.device,
) -> Iterator[tuple[dict[str, torch.Tensor], int]]:
    """Shuffled batches padded to their longest sentence, forever, with their word counts."""
    rng = random.Random(0)
    while True:
        order = list(range(len(rows)))
        rng.shuffle(order)
        for offset in range(0, len(order), batch_size):
            chunk = [rows[i] for i in order[offset : offset + batch_size]]
            width = max(len(ids) for ids, _, _, _ in chunk)
            words = max(len(firsts) for _, firsts, _, _ in chunk)
            input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, *_ in chunk])
            inputs = {
                "input_ids": input_ids,
                "attention_mask": (input_ids != pad).long(),
                "first_subwords": torch.tensor([padded(row[1], words) for row in chunk]),
                "word_mask": torch.tensor(
                    [[True] * len(row[1]) + [False] * (words - len(row[1])) for row in chunk]
                ),
                "heads": torch.tensor([padded(row[2], words) for row in chunk]),
                "relations": torch.tensor([padded(row[3], words) for row in chunk]),
            }
            num_words = sum(len(row[1]) - 1 for row in chunk)
            yield {key: value.to(device) for key, value in inputs.items()}, num_words
