"""`allennlp grid-search`: points, claims, selection on the source dev score, resuming, shards.

Real training only where it is the point (a 2x1x1 grid, then an interrupted one); selection,
shards and concurrent copies use a fake trainer that writes a point's files."""

import contextlib
import importlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests import FIXTURE_CONFIGS, PROJECT_ROOT, UD_FIXTURES, allennlp_cli
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.grid.claims import CLAIMS_FOLDER, Claims
from xlt_allennlp.grid.evaluation import EVALUATING
from xlt_allennlp.grid.points import (
    Point,
    grid_points,
    parse_grid,
    parse_seeds,
    parse_shard,
    shard_points,
)
from xlt_allennlp.grid.search import PointsFailed, grid_search
from xlt_allennlp.grid.selection import Objective, PointResult, select
from xlt_allennlp.grid.training import TRAINING
from xlt_allennlp.results.languages import LanguageResults
from xlt_allennlp.results.seeds import SeedResults

# The modules where the grid looks up the names the tests replace.
training_module = importlib.import_module("xlt_allennlp.grid.training")
evaluation_module = importlib.import_module("xlt_allennlp.grid.evaluation")
CONFIG = str(FIXTURE_CONFIGS / "pos.jsonnet")
# One epoch on the small dev fixture (train = dev: the grid only needs a dev score).
FAST = {
    "train_path": str(UD_FIXTURES / "en_dev.conllu"),
    "dev_path": str(UD_FIXTURES / "en_dev.conllu"),
    "head_lr": "none",
}
TWO_POINTS = '{"lr": [2e-3, 3e-3], "batch_size": [16], "epochs": [1]}'


def _points(grid: dict[str, list[Any]], seeds: list[int] | None = None) -> list[Point]:
    return grid_points(grid, seeds)


def _finish(directory: Path, **metrics: float) -> None:
    """A done point, by hand: an (empty) archive and a metrics.json."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "model.tar.gz").write_bytes(b"")
    (directory / "metrics.json").write_text(json.dumps({"best_epoch": 0, **metrics}))


def _grid_json(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "grid.json").read_text())


# --- points ----------------------------------------------------------------------------------


def test_points_names_ext_vars_and_parsing(tmp_path: Path) -> None:
    default = _points(parse_grid(None))
    assert len(default) == 12
    assert [p.name for p in default[:3]] == [
        "lr=2e-05,batch_size=16,epochs=3",
        "lr=2e-05,batch_size=16,epochs=4",
        "lr=2e-05,batch_size=32,epochs=3",
    ]
    seeded = _points({"lr": [3e-5], "batch_size": [32], "epochs": [4]}, [13, 14])
    assert [p.name for p in seeded] == [
        "lr=3e-05,batch_size=32,epochs=4,seed=13",
        "lr=3e-05,batch_size=32,epochs=4,seed=14",
    ]
    assert seeded[0].ext_vars() == {"lr": "3e-05", "batch_size": "32", "epochs": "4", "seed": "13"}
    assert seeded[0].group == seeded[1].group == "lr=3e-05,batch_size=32,epochs=4"
    # Strings as they are; a path's slash is escaped in the directory name.
    odd = _points(parse_grid('{"freeze": ["none", 3], "encoder": "org/model"}'))
    assert [p.ext_vars() for p in odd] == [
        {"freeze": "none", "encoder": "org/model"},
        {"freeze": "3", "encoder": "org/model"},
    ]
    assert odd[0].name == "freeze=none,encoder=org%2Fmodel"
    grid_file = tmp_path / "grid.jsonnet"
    grid_file.write_text("{ lr: [1e-3 * x for x in [1, 2]] }")
    assert parse_grid(str(grid_file)) == {"lr": [1e-3, 2e-3]}
    assert parse_seeds("1,2,3") == [1, 2, 3] and parse_shard("1/4") == (1, 4)
    for bad in ['{"lr": []}', '{"lr": [1, 1]}', '{"l-r": [1]}', "{lr", "missing.json", "[1]"]:
        with pytest.raises(ConfigError):
            parse_grid(bad)
    for bad_call in (lambda: parse_seeds("1,x"), lambda: parse_shard("2/2")):
        with pytest.raises(ConfigError):
            bad_call()
    with pytest.raises(ConfigError, match="--seeds"):
        grid_points({"seed": [1]}, [2])


# --- claims ----------------------------------------------------------------------------------


def _race(claims: Claims, name: str, copies: int = 8) -> list[Any]:
    """`copies` threads try to claim `name` at the same moment; returns the claims they got."""
    start = threading.Barrier(copies)
    won: list[Any] = []

    def contend() -> None:
        start.wait()
        claim = claims.acquire(name)
        if claim is not None:
            won.append(claim)

    threads = [threading.Thread(target=contend) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


def test_claims_are_exclusive_between_threads(tmp_path: Path) -> None:
    claims = Claims(str(tmp_path), timeout=60)
    for name in ("a", "b", "c"):
        won = _race(claims, name)
        assert len(won) == 1, name
        assert claims.holder(name)["pid"] == os.getpid()
        assert claims.acquire(name) is None  # held (and refreshed) by a live process
        won[0].release()
        assert claims.holder(name) is None
        again = claims.acquire(name)
        assert again is not None and again.number == 2  # numbers are never reused
        again.release()


def test_stale_claims_are_taken_over_and_live_ones_refreshed(tmp_path: Path) -> None:
    claims = Claims(str(tmp_path), timeout=0.4)

    def claim_by_hand(name: str, host: str, pid: int) -> Path:
        path = tmp_path / CLAIMS_FOLDER / name / "00000000.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"host": host, "pid": pid, "time": "then"}))
        return path

    # Another host's claim: alive until not refreshed for the timeout.
    other = claim_by_hand("elsewhere", "another-host", 1)
    assert claims.acquire("elsewhere") is None
    os.utime(other, (time.time() - 5, time.time() - 5))
    taken = claims.acquire("elsewhere")
    assert taken is not None and taken.number == 1
    taken.release()
    # This host's claim by a process that has exited: taken over at once.
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    claim_by_hand("killed", socket.gethostname(), finished.pid)
    taken = claims.acquire("killed")
    assert taken is not None
    # A held claim is refreshed: still live after several timeouts (as seen from another host).
    time.sleep(1.0)
    assert Claims(str(tmp_path), timeout=0.4).holder("killed") is not None
    age = time.time() - os.stat(tmp_path / CLAIMS_FOLDER / "killed" / "00000001.json").st_mtime
    assert age < 0.4
    taken.release()


# --- selection -------------------------------------------------------------------------------


def _result(point: Point, status: str, score: float | None = None) -> PointResult:
    return PointResult(point, f"/grid/{point.name}", status, score, 0 if score else None)


def test_selection_by_the_mean_over_seeds_ties_by_grid_order() -> None:
    points = _points({"lr": [1, 2, 3]}, [1, 2])
    objective = Objective.parse("+accuracy")
    scores = [0.8, 0.6, 0.9, 0.5, 0.95, None]  # means 0.7, 0.7 (a tie), lr=3 not finished
    statuses = ["done"] * 5 + ["failed"]
    results = [_result(p, s, v) for p, s, v in zip(points, statuses, scores, strict=True)]
    selection = select(results, objective)
    assert selection is not None and selection.settings == {"lr": 1}
    assert selection.dev_score == pytest.approx(0.7)
    assert selection.dev_std == pytest.approx(0.1414213562)  # sample std of 0.8, 0.6
    assert selection.archives == [f"/grid/lr=1,seed={seed}/model.tar.gz" for seed in (1, 2)]
    results[3].dev_score = 0.52  # lr=2: mean 0.71
    assert select(results, objective).settings == {"lr": 2}
    # `-loss`: lower is better.
    two = _points({"lr": [1, 2]})
    losses = [_result(two[0], "done", 0.4), _result(two[1], "done", 0.3)]
    assert select(losses, Objective.parse("-loss")).settings == {"lr": 2}
    assert select(losses, Objective.parse("+loss")).settings == {"lr": 1}
    assert select([_result(points[0], "pending")], objective) is None


def test_mean_and_std_over_seeds_per_language() -> None:
    per_seed = {
        "s1": LanguageResults({"en": {"accuracy": 0.9}, "de": {"accuracy": 0.5}}, ["accuracy"]),
        "s2": LanguageResults({"en": {"accuracy": 0.8}, "de": {"accuracy": 0.7}}, ["accuracy"]),
    }
    results = SeedResults(per_seed)
    written = results.to_json()
    assert written["metrics"]["accuracy"] == pytest.approx({"en": 0.85, "de": 0.6})
    assert written["std"]["accuracy"]["de"] == pytest.approx(0.1414213562)
    assert written["averages"]["zero-shot"]["accuracy"] == pytest.approx(0.6)
    assert written["averages"]["all"]["accuracy"] == pytest.approx(0.725)
    assert "| de | 60.0 ± 14.1 |" in results.markdown()
    assert results.csv().splitlines()[0] == "language,accuracy,accuracy_std"


def test_selection_follows_the_source_dev_score_not_a_target_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Points marked done by hand: A has the best source dev score, B the best last-epoch dev,
    test (target) and target-language scores; A is selected, every point is evaluated, and the
    selection report puts B's target score beside A's as the (upper-bound) oracle."""
    grid = {"lr": [1e-3, 2e-3]}
    a1, a2, b1, b2 = _points(grid, [1, 2])
    for point, dev, target in [(a1, 0.80, 0.4), (a2, 0.78, 0.5), (b1, 0.75, 0.9), (b2, 0.76, 0.9)]:
        metrics = {"validation_accuracy": 0.9 - dev, "test_accuracy": target}
        _finish(tmp_path / point.name, best_validation_accuracy=dev, **metrics)
    monkeypatch.setattr(training_module, "train_point", lambda *a, **k: pytest.fail("trained"))
    evaluated: list[str] = []

    def fake_evaluate(archive: str, inputs: list[str], **options: Any) -> LanguageResults:
        evaluated.append(archive)
        target = 0.9 if "lr=0.002" in archive else 0.3 + 0.1 * len(evaluated)
        return LanguageResults({"en": {"accuracy": 0.95}, "de": {"accuracy": target}}, ["accuracy"])

    monkeypatch.setattr(evaluation_module, "evaluate_languages", fake_evaluate)
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAST.items():
            env.setenv(name, value)
        outcome = grid_search(CONFIG, str(tmp_path), grid=grid, seeds=[1, 2], evaluate=["x"])
    assert outcome.selection is not None and outcome.selection.settings == {"lr": 1e-3}
    assert evaluated == [str(tmp_path / p.name / "model.tar.gz") for p in (a1, a2, b1, b2)]
    selection = json.loads((tmp_path / "selection.json").read_text())
    assert selection["selected"] == "lr=0.001" and selection["metric"] == "accuracy"
    (de,) = [row for row in selection["rows"] if row["language"] == "de"]
    assert de["selected"] == pytest.approx(0.45) and de["oracle"] == pytest.approx(0.9)
    assert de["gap"] == pytest.approx(0.45) and de["oracle_settings"] == "lr=0.002"
    assert de["oracle_kind"].startswith("upper bound")
    assert de["spearman"] is None  # two settings: no rank correlation
    assert (tmp_path / "selection.png").stat().st_size > 0
    assert "| de | 45.0 | 90.0* | 45.0 |" in (tmp_path / "selection.md").read_text()
    report = _grid_json(tmp_path)
    assert report["selected"]["name"] == "lr=0.001" and report["complete"]
    assert report["selected"]["dev_score"] == pytest.approx(0.79)
    assert [g["mean"] for g in report["groups"]] == pytest.approx([0.79, 0.755])
    assert "**lr=0.001**" in (tmp_path / "grid.md").read_text()
    table = json.loads((tmp_path / "selected_languages.json").read_text())
    assert table["metrics"]["accuracy"]["de"] == pytest.approx(0.45)  # mean of 0.4 and 0.5
    assert table["std"]["accuracy"]["de"] == pytest.approx(0.0707106781)
    assert (tmp_path / "selected_languages.md").read_text().count("±") >= 2


# --- shards and concurrent copies (fake trainer) ---------------------------------------------


def _fake_trainer(trained: list[str], pause: float = 0.0) -> Any:
    running: set[str] = set()
    lock = threading.Lock()

    def train(config: str, directory: str, ext_vars: dict[str, str], **options: Any) -> None:
        name = os.path.basename(directory)
        with lock:
            assert name not in running, f"{name} trained twice at once"
            running.add(name)
            trained.append(name)
        time.sleep(pause)
        _finish(Path(directory), best_validation_accuracy=float(ext_vars["lr"]))
        with lock:
            running.discard(name)

    return train


def test_shards_cover_every_point_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = {"lr": [0.1, 0.2, 0.3, 0.4, 0.5]}
    names = [point.name for point in _points(grid)]
    evaluated: list[str] = []

    def fake_evaluate(archive: str, inputs: list[str], **options: Any) -> LanguageResults:
        evaluated.append(archive)
        return LanguageResults({"de": {"accuracy": 0.5}}, ["accuracy"])

    monkeypatch.setattr(evaluation_module, "evaluate_languages", fake_evaluate)
    by_shard = []
    for index in (0, 1):
        trained: list[str] = []
        monkeypatch.setattr(training_module, "train_point", _fake_trainer(trained))
        grid_search(CONFIG, str(tmp_path), grid=grid, shard=(index, 2), evaluate=["x"])
        by_shard.append(trained)
        if index == 0:  # half the grid: reported, provisional, not evaluated
            report = _grid_json(tmp_path)
            assert report["points_done"] == 3 and not report["complete"] and not evaluated
            assert [p["status"] for p in report["points"]].count("pending") == 2
    assert by_shard == [names[0::2], names[1::2]]
    assert sorted(by_shard[0] + by_shard[1]) == sorted(names)
    assert _grid_json(tmp_path)["selected"]["name"] == "lr=0.5"
    assert evaluated == [str(tmp_path / name / "model.tar.gz") for name in names]
    assert [point.name for point in shard_points(_points(grid), (1, 2))] == names[1::2]


def test_points_and_evaluation_show_one_progress_bar_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = {"lr": [0.1, 0.2, 0.3]}
    monkeypatch.setattr(training_module, "train_point", _fake_trainer([]))
    fake_results = LanguageResults({"de": {"accuracy": 0.5}}, ["accuracy"])
    monkeypatch.setattr(evaluation_module, "evaluate_languages", lambda *a, **k: fake_results)
    grid_search(CONFIG, str(tmp_path), grid=grid, seeds=[1, 2], evaluate=["x"])
    captured = capsys.readouterr()
    assert f"{TRAINING}: 100%" in captured.err and "6/6" in captured.err  # allennlp's Tqdm
    assert f"{EVALUATING}: 100%" in captured.err and "6/6" in captured.err
    assert "[6/6] lr=0.3,seed=2: done" in captured.out  # the line per point stays


def test_concurrent_copies_never_train_the_same_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = {"lr": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
    trained: list[str] = []
    monkeypatch.setattr(training_module, "train_point", _fake_trainer(trained, pause=0.2))
    errors: list[BaseException] = []

    def copy() -> None:
        try:
            grid_search(CONFIG, str(tmp_path), grid=grid)
        except Exception as error:  # reported below
            errors.append(error)

    copies = [threading.Thread(target=copy) for _ in range(2)]
    for thread in copies:
        thread.start()
    for thread in copies:
        thread.join()
    assert not errors
    assert sorted(trained) == sorted(point.name for point in _points(grid))  # each once
    assert len({point for point in trained}) == len(trained)
    # Once both are finished, a rerun trains nothing and reports the whole grid done.
    assert grid_search(CONFIG, str(tmp_path), grid=grid).selection.settings == {"lr": 0.6}
    assert len(trained) == 6 and _grid_json(tmp_path)["complete"]


# --- real training ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_point_grid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 2x1x1 grid (lr 2e-3, 3e-3) trained once through the CLI; its directory and stdout."""
    directory = tmp_path_factory.mktemp("grid") / "pos"
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(output):
        patch.chdir(PROJECT_ROOT)
        for name, value in FAST.items():
            patch.setenv(name, value)
        allennlp_cli("grid-search", CONFIG, "-s", str(directory), "--grid", TWO_POINTS)
    return directory, output.getvalue()


def test_two_point_grid_trains_and_selects_by_dev_score(two_point_grid: tuple[Path, str]) -> None:
    directory, output = two_point_grid
    names = ["lr=0.002,batch_size=16,epochs=1", "lr=0.003,batch_size=16,epochs=1"]
    for index, name in enumerate(names, 1):
        assert f"[{index}/2] {name}: done in " in output
        assert (directory / name / "model.tar.gz").is_file()
    dev = {
        name: json.loads((directory / name / "metrics.json").read_text())[
            "best_validation_accuracy"
        ]
        for name in names
    }
    report = _grid_json(directory)
    assert [p["status"] for p in report["points"]] == ["done", "done"]
    assert {p["name"]: p["dev_score"] for p in report["points"]} == dev
    best = max(names, key=lambda name: (dev[name], -names.index(name)))
    assert report["selected"]["name"] == best and report["validation_metric"] == ["+accuracy"]
    assert report["points"][0]["settings"] == {"lr": 0.002, "batch_size": 16, "epochs": 1}
    assert f"**{best}**" in (directory / "grid.md").read_text()
    assert f"selected {best}: dev accuracy" in output


def test_interrupted_grid_resumes_retries_and_keeps_finished_points(
    two_point_grid: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "pos"
    shutil.copytree(two_point_grid[0], directory)
    done, partial, failed = (
        f"lr={lr},batch_size=16,epochs=1" for lr in ("0.002", "0.003", "0.004")
    )
    grid = {"lr": [2e-3, 3e-3, 4e-3], "batch_size": [16], "epochs": [1]}
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    real_train = training_module.train_point
    calls: list[tuple[str, bool]] = []

    def crash(config: str, folder: str, ext_vars: dict[str, str], **options: Any) -> None:
        calls.append((os.path.basename(folder), options["recover"]))
        raise RuntimeError("CUDA out of memory (simulated)")

    # The new point fails (recorded by grid-search itself); the other two are skipped.
    monkeypatch.setattr(training_module, "train_point", crash)
    with pytest.raises(PointsFailed, match="1 of 3 points failed"):
        grid_search(CONFIG, str(directory), grid=grid)
    assert calls == [(failed, False)]
    point = {p["name"]: p for p in _grid_json(directory)["points"]}
    assert point[failed]["status"] == "failed" and "out of memory" in point[failed]["error"]
    # A killed run: the archive and metrics are gone, the checkpoint of epoch 0 is left.
    for file in ("model.tar.gz", "metrics.json"):
        (directory / partial / file).unlink()
    finished = (directory / done / "model.tar.gz").stat().st_mtime_ns

    def counted(config: str, folder: str, ext_vars: dict[str, str], **options: Any) -> None:
        calls.append((os.path.basename(folder), options["recover"]))
        real_train(config, folder, ext_vars, **options)

    calls.clear()
    monkeypatch.setattr(training_module, "train_point", counted)
    outcome = grid_search(CONFIG, str(directory), grid=grid)
    assert calls == [(partial, True), (failed, False)]  # resumed, retried; `done` untouched
    assert (directory / done / "model.tar.gz").stat().st_mtime_ns == finished
    assert [result.status for result in outcome.results] == ["done"] * 3
    assert not (directory / failed / "grid_failure.json").exists()
    dev = [result.dev_score for result in outcome.results]
    assert outcome.selection.results[0].point.name == [done, partial, failed][dev.index(max(dev))]
