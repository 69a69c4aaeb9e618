import json
import shutil
import tarfile
from pathlib import Path

import pytest
import torch
from allennlp.models.archival import archive_model, load_archive
from allennlp.predictors import Predictor

from tests import UD_FIXTURES, allennlp_cli
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.grid.points import grid_points
from xlt_allennlp.grid.search import grid_search
from xlt_allennlp.training.weight_averaging import average_archives, average_state_dicts


def test_average_of_state_dicts_by_hand() -> None:
    first = {"w": torch.tensor([1.0, 3.0]), "b": torch.tensor([0.5]), "n": torch.tensor([7])}
    second = {"w": torch.tensor([2.0, 6.0]), "b": torch.tensor([-0.5]), "n": torch.tensor([7])}
    third = {"w": torch.tensor([3.0, 0.0]), "b": torch.tensor([3.0]), "n": torch.tensor([7])}
    averaged = average_state_dicts([first, second, third])
    assert averaged["w"].tolist() == [2.0, 3.0]  # (1+2+3)/3, (3+6+0)/3
    assert averaged["b"].tolist() == [1.0]
    assert averaged["n"].tolist() == [7] and averaged["n"].dtype == torch.int64
    half = torch.tensor([0.1, 0.7], dtype=torch.float16)
    assert torch.equal(average_state_dicts([{"h": half}, {"h": half}])["h"], half)
    with pytest.raises(ConfigError, match="n: a non-float tensor that differs"):
        average_state_dicts([first, {**second, "n": torch.tensor([8])}])
    with pytest.raises(ConfigError, match=r"w: shape \(3,\) in model 2, \(2,\) in model 1"):
        average_state_dicts([first, {**second, "w": torch.zeros(3)}])
    with pytest.raises(ConfigError, match=r"model 2 has other parameters than model 1: \['n'\]"):
        average_state_dicts([first, {"w": second["w"], "b": second["b"]}])


def weights_of(archive: Path) -> dict[str, torch.Tensor]:
    return load_archive(str(archive)).model.state_dict()


def test_averaging_an_archive_with_itself_changes_nothing(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = pos_run[0] / "model.tar.gz"
    soup = tmp_path / "soup.tar.gz"
    allennlp_cli("average-weights", str(archive), str(archive), "--output-file", str(soup))
    original, averaged = weights_of(archive), weights_of(soup)
    assert original.keys() == averaged.keys()
    assert all(torch.equal(original[name], averaged[name]) for name in original)
    sentences = [s.words for s in read_conllu(str(UD_FIXTURES / "de_test.conllu"))][:8]
    predictions = [
        [
            Predictor.from_path(str(path)).predict_json({"words": words})["tags"]
            for words in sentences
        ]
        for path in (archive, soup)
    ]
    assert predictions[0] == predictions[1]


def test_averaging_two_archives_is_exact_and_checks_their_config(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    archive = pos_run[0] / "model.tar.gz"
    # A second archive: the same model with every float weight negated (the mean is 0) except
    # the tagger's output layer, set to 2 and 4 (the mean is 3).
    other_dir = tmp_path / "other"
    with tarfile.open(archive) as handle:
        handle.extractall(other_dir, filter="data")
    state = torch.load(other_dir / "weights.th", weights_only=True)
    changed = {
        name: -value if value.is_floating_point() else value for name, value in state.items()
    }
    head = next(name for name in state if name.endswith("weight") and "encoder" not in name)
    state = {**state, head: torch.full_like(state[head], 2.0)}
    changed[head] = torch.full_like(state[head], 4.0)
    first, second = tmp_path / "first", tmp_path / "second"
    for directory, weights in ((first, state), (second, changed)):
        for member in ("config.json", "vocabulary", "meta.json"):
            target = directory / member
            target.parent.mkdir(parents=True, exist_ok=True)
            source = other_dir / member
            if source.is_dir():
                shutil.copytree(source, target)
            elif source.exists():
                target.write_bytes(source.read_bytes())
        torch.save(weights, directory / "weights.th")
    paths = [archive_model(str(d), weights="weights.th") for d in (first, second)]
    averaged = torch.load(
        _weights(average_archives(paths, str(tmp_path / "soup.tar.gz")), tmp_path)
    )
    assert torch.equal(averaged[head], torch.full_like(state[head], 3.0))
    floats = [name for name in state if name != head and state[name].is_floating_point()]
    assert floats and all(torch.equal(averaged[n], torch.zeros_like(state[n])) for n in floats)

    config = json.loads((second / "config.json").read_text())
    config["model"]["dropout"] = 0.5
    (second / "config.json").write_text(json.dumps(config))
    paths[1] = archive_model(str(second), weights="weights.th")
    with pytest.raises(ConfigError, match="has another model configuration"):
        average_archives(paths, str(tmp_path / "bad.tar.gz"))


def _weights(archive: str, tmp_path: Path) -> Path:
    directory = tmp_path / "extracted"
    with tarfile.open(archive) as handle:
        handle.extractall(directory, filter="data")
    return directory / "weights.th"


def test_grid_search_reports_the_uniform_soup(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    # Two finished points holding the same model: their soup scores what each of them scores.
    grid = {"dropout": [0.1, 0.2]}
    for point in grid_points(grid):
        shutil.copytree(pos_run[0], tmp_path / "grid" / point.name)
    data = f"de={UD_FIXTURES / 'de_test.conllu'}"
    outcome = grid_search(
        "fixtures/configs/pos.jsonnet", str(tmp_path / "grid"), grid=grid, evaluate=[data],
        soups=True,
    )  # fmt: skip
    assert outcome.report is not None
    (row,) = [row for row in outcome.report.rows() if row["language"] == "de"]
    assert row["soup"] == pytest.approx(row["selected"], abs=1e-9)
    assert (tmp_path / "grid" / "soup" / "model.tar.gz").exists()
    assert "uniform soup" in (tmp_path / "grid" / "selection.md").read_text()
