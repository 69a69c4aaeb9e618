import json
from pathlib import Path

import pytest
import torch

from tests import TINY_MBERT, TINY_XLMR, XNLI_FIXTURES, allennlp_cli
from xlt_allennlp.analysis.layer_similarity import (
    SCORING,
    layer_similarity,
    score_languages,
)
from xlt_allennlp.analysis.parallel_text import READING, read_parallel, translation_pairs
from xlt_allennlp.analysis.similarity_measures import (
    centered,
    layer_scores,
    linear_cka,
    retrieval_accuracy,
)
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.errors import DataFormatError

SENTENCES = [
    "A tourist read a long book after work.",
    "The student cleaned the office.",
    "Our neighbour cooked dinner for the family.",
    "The driver visited the museum last week.",
    "The singer wrote a letter to the bank.",
]


def random(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_cka_is_one_for_identical_inputs_and_invariant_to_rotation_and_scaling() -> None:
    x, y = random(40, 8, seed=1), random(40, 6, seed=2)
    rotation, _ = torch.linalg.qr(random(6, 6, seed=3))
    assert linear_cka(x, x) == pytest.approx(1.0, abs=1e-9)
    assert linear_cka(x, x @ torch.linalg.qr(random(8, 8, seed=4))[0]) == pytest.approx(1.0)
    base = linear_cka(x, y)
    assert base < 0.9  # unrelated representations are not similar
    assert linear_cka(x, y @ rotation) == pytest.approx(base, abs=1e-9)
    assert linear_cka(x, 3.7 * y) == pytest.approx(base, abs=1e-9)
    assert linear_cka(x, y + 5.0) == pytest.approx(base, abs=1e-9)  # the mean does not matter


def test_retrieval_accuracy() -> None:
    x = random(4, 8, seed=5)
    assert retrieval_accuracy(x, x) == 1.0
    assert retrieval_accuracy(x[[1, 0, 2, 3]], x) == 0.5  # two of four queries swapped
    # A language far off in one direction: every query's nearest is the same candidate, until
    # each language's mean vector is subtracted.
    source = random(8, 16, seed=6)
    target = source + 50.0 * torch.nn.functional.normalize(random(1, 16, seed=7), dim=1)
    assert retrieval_accuracy(target, source) <= 0.25
    assert retrieval_accuracy(centered(target), centered(source)) == 1.0


def test_layer_scores_per_layer() -> None:
    source = random(6, 3, 5, seed=8)
    target = source.clone()
    target[:, 2] = random(6, 5, seed=9)  # the top layer unrelated
    scores = layer_scores(source, target)
    assert scores["cka"][:2] == pytest.approx([1.0, 1.0])
    assert scores["retrieval"][:2] == scores["retrieval_centered"][:2] == [1.0, 1.0]
    assert scores["cka"][2] < 0.99 and len(scores["retrieval"]) == 3


def test_xnli_rows_pair_by_pair_id(tmp_path: Path) -> None:
    text = read_parallel([("xnli", str(XNLI_FIXTURES / "xnli.test.tsv"))], TINY_MBERT)
    assert sorted(text) == ["ar", "de", "en", "es", "fr", "hi", "ru", "zh"]
    english, german = translation_pairs(text, "en", "de")
    assert len(set(english)) == len(english) == 58  # 30 pairs; repeated premises once
    rows = [
        ("en", "1", "The dog sleeps.", "A dog sleeps."),
        ("de", "2", "Die Katze isst.", "Eine Katze isst."),
        ("de", "1", "Der Hund schläft.", "Ein Hund schläft."),
        ("en", "2", "The cat eats.", "A cat eats."),
        ("en", "3", "The cat eats.", "A cat sleeps."),  # a premise again: once
        ("de", "3", "Die Katze isst.", "Eine Katze schläft."),
    ]
    header = "language\tgold_label\tsentence1\tsentence2\tpairID\n"
    lines = "".join(f"{lang}\tneutral\t{s1}\t{s2}\t{pair}\n" for lang, pair, s1, s2 in rows)
    (tmp_path / "xnli.tsv").write_text(header + lines)
    text = read_parallel([("xnli", str(tmp_path / "xnli.tsv"))], TINY_MBERT)
    english, german = translation_pairs(text, "en", "de")
    assert list(zip(english, german, strict=True)) == [
        ("The dog sleeps.", "Der Hund schläft."),
        ("A dog sleeps.", "Ein Hund schläft."),
        ("The cat eats.", "Die Katze isst."),
        ("A cat eats.", "Eine Katze isst."),
        ("A cat sleeps.", "Eine Katze schläft."),
    ]


def test_command_on_xnli_fixture(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    allennlp_cli(
        "layer-similarity", str(XNLI_FIXTURES / "xnli.test.tsv"), "--encoder", TINY_MBERT,
        "-o", str(tmp_path), "--cache-dir", str(cache),
    )  # fmt: skip
    written = json.loads((tmp_path / "layer_similarity.json").read_text())
    assert written["layers"] == 5  # embeddings + 4 blocks of the tiny encoder
    assert sorted(written["languages"]) == ["ar", "de", "es", "fr", "hi", "ru", "zh"]
    for scores in written["languages"].values():
        assert scores["sentences"] == 58
        assert all(0.0 <= value <= 1.0 + 1e-9 for value in scores["cka"])
    assert "linear CKA, en vs each language" in (tmp_path / "layer_similarity.md").read_text()
    assert (tmp_path / "layer_similarity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(cache.glob("*.pt"))) == 1  # one forward pass for all layers, kept


@pytest.mark.parametrize("extension", ["txt", "conllu"])
def test_identical_line_aligned_files_are_fully_similar(tmp_path: Path, extension: str) -> None:
    if extension == "txt":
        text = "\n".join(SENTENCES) + "\n"
    else:
        text = "".join(
            f"# text = {s}\n" + "".join(f"{i}\t{w}" + "\t_" * 8 + "\n" for i, w in enumerate(
                s.split(), 1)) + "\n" for s in SENTENCES
        )  # fmt: skip
    for language in ["en", "de"]:
        (tmp_path / f"{language}.{extension}").write_text(text)
    inputs = [str(tmp_path / f"en.{extension}"), f"xx={tmp_path}/de.{extension}"]
    similarity = layer_similarity(inputs, encoder=TINY_XLMR, output_dir=str(tmp_path / "out"))
    scores = similarity.to_json()["languages"]
    assert scores["xx"]["sentences"] == len(SENTENCES)
    assert scores["xx"]["cka"] == pytest.approx([1.0] * 5, abs=1e-6)
    assert scores["xx"]["retrieval"] == scores["xx"]["retrieval_centered"] == [1.0] * 5


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("\n".join(SENTENCES) + "\n")
    (tmp_path / "de.txt").write_text("\n".join(SENTENCES[:-1]) + "\n")
    (tmp_path / "german.txt").write_text("\n".join(SENTENCES) + "\n")
    out = str(tmp_path / "out")

    def run(*inputs: str, source: str = "en") -> None:  # the command's function: no CLI start-up
        layer_similarity(list(inputs), encoder=TINY_MBERT, output_dir=out, source_language=source)

    with pytest.raises(DataFormatError, match=rf"{tmp_path / 'de.txt'}: 4 sentences, but .*en"):
        run(str(tmp_path / "en.txt"), str(tmp_path / "de.txt"))
    with pytest.raises(DataFormatError, match=rf"{tmp_path / 'fr.txt'}: no such file"):
        run(str(tmp_path / "en.txt"), str(tmp_path / "fr.txt"))
    with pytest.raises(ConfigError, match=rf"{tmp_path / 'german.txt'}: no language code"):
        run(str(tmp_path / "en.txt"), str(tmp_path / "german.txt"))
    with pytest.raises(ConfigError, match="no sw sentences in the input"):
        run(str(XNLI_FIXTURES / "xnli.dev.tsv"), source="sw")
    assert not (tmp_path / "out").exists()


def test_reading_and_scoring_show_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for language in ["en", "de", "fr"]:
        (tmp_path / f"{language}.txt").write_text("\n".join(SENTENCES) + "\n")
        files.append((language, str(tmp_path / f"{language}.txt")))
    text = read_parallel(files, TINY_MBERT)
    pairs = {language: translation_pairs(text, "en", language) for language in ["de", "fr"]}
    index = {sentence: row for row, sentence in enumerate(SENTENCES)}
    score_languages(pairs, random(len(SENTENCES), 3, 4, seed=10), index, "en")
    progress = capsys.readouterr().err  # allennlp's Tqdm writes to stderr
    assert f"{READING}: 15 sentences" in progress
    assert f"{SCORING}: 100%" in progress and "2/2" in progress
