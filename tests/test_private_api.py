"""The private API inventory (`xlt_allennlp.private_api.PRIVATE_API`) is checked against the
installed packages, its checker can fail, and the package uses no private name it leaves out."""

import ast
import contextlib
import importlib
import inspect
import re
import sys
from typing import Any

import pytest

from tests import PROJECT_ROOT
from xlt_allennlp.private_api import (
    ATTRIBUTE,
    PRIVATE_API,
    PrivateName,
    assigned_attributes,
    private_api_problems,
)


@pytest.mark.parametrize("entry", PRIVATE_API, ids=lambda entry: f"{entry.owner}.{entry.name}")
def test_private_api_we_rely_on_exists_with_its_signature(entry: PrivateName) -> None:
    # If a release renames one of these, changes its parameters, stops assigning an attribute
    # or stops calling a method we override, this fails instead of a run (or a silent fallback).
    assert private_api_problems((entry,)) == []


@pytest.mark.parametrize("entry", PRIVATE_API, ids=lambda entry: f"{entry.owner}.{entry.name}")
def test_every_listed_private_name_is_still_used(entry: PrivateName) -> None:
    # No stale entries: each is named in the source of a module that is said to use it.
    pattern = re.compile(rf"\b{re.escape(entry.name)}\b")
    sources = [inspect.getsource(importlib.import_module(name)) for name in entry.used_by]
    assert entry.used_by and all(pattern.search(source) for source in sources), entry.used_by


class FakeUpstream:
    """Stands for an upstream class in the tests of the checker."""

    def __init__(self) -> None:
        self._metric: int = 0

    def forward(self) -> int:
        return self._decode(1, 2) + self._encode(3)

    def other(self) -> int:
        return 0

    def _decode(self, scores: int, lengths: int) -> int:
        return scores + lengths

    def _encode(self, tokens: int) -> int:
        return tokens


class FakeOurs(FakeUpstream):
    """Overrides `_decode` as upstream defines it, `_encode` with other parameters."""

    def _decode(self, scores: int, lengths: int) -> int:
        return scores

    def _encode(self, tokens: int, extra: int = 0) -> int:  # type: ignore[override]
        return tokens


_FAKE = f"{__name__}.FakeUpstream"


def _fake(name: str, parameters: tuple[str, ...] | None, **options: Any) -> PrivateName:
    return PrivateName(_FAKE, name, parameters, (__name__,), "test", **options)


def test_private_api_checker_accepts_what_holds() -> None:
    entries = (
        _fake("_decode", ("self", "scores", "lengths"), called_by=(f"{_FAKE}.forward",)),
        _fake("_metric", ATTRIBUTE),
        PrivateName("allennlp.common.params", "Params", ("params", "history"), (), "test"),
    )
    assert private_api_problems(entries) == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_fake("_decode_renamed", ("self", "scores", "lengths")), "no longer exists"),
        (_fake("_decode", ("self", "scores")), "parameters ('self', 'scores', 'lengths')"),
        (_fake("_metric_renamed", ATTRIBUTE), "no longer assigned as self._metric_renamed"),
        (
            _fake("_decode", ("self", "scores", "lengths"), called_by=(f"{_FAKE}.other",)),
            "FakeUpstream.other no longer uses it",
        ),
        (
            _fake("_decode", ("self", "scores", "lengths"), called_by=(f"{_FAKE}.gone",)),
            "its caller tests.test_private_api.FakeUpstream.gone no longer exists",
        ),
        (_fake("_encode", ("self", "tokens")), "FakeOurs._encode overrides"),
        (PrivateName(f"{__name__}.Gone", "_x", ATTRIBUTE, (), "test"), "cannot be found"),
        (PrivateName("allennlp.common.params", "_gone", ATTRIBUTE, (), "test"), "no longer"),
    ],
    ids=["renamed", "signature", "attribute", "caller", "caller-gone", "override", "owner",
         "module-global"],
)  # fmt: skip
def test_private_api_checker_reports_each_kind_of_change(entry: PrivateName, problem: str) -> None:
    problems = private_api_problems((entry,))
    assert problems and problem in problems[0], problems


# Private names of the package's own that the completeness scan below cannot tell from others'.
OWN_PRIVATE_NAMES = {"_xlt_ext_vars": "our marker on allennlp's wrapped `evaluate_file`"}


def _own_private_names(tree: ast.Module) -> set[str]:
    """Private names a module of ours defines: functions, methods, classes, module and class
    variables, `self.<name>` assignments."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
    return {name for name in names if name.startswith("_")}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _accessed_private_names(tree: ast.Module) -> set[str]:
    """Private names imported from other packages, read as `x._name` with x not `self` (nor a
    standard-library module), or given to getattr/hasattr/setattr."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("xlt_allennlp"):
            names |= {alias.name for alias in node.names if _is_private(alias.name)}
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            value = node.value
            if not (isinstance(value, ast.Name) and value.id in {"self", "cls"}):
                if not (isinstance(value, ast.Name) and value.id in sys.stdlib_module_names):
                    names.add(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            arguments = node.args[1:2]
            if node.func.id in {"getattr", "hasattr", "setattr"} and arguments:
                if isinstance(arguments[0], ast.Constant) and _is_private(str(arguments[0].value)):
                    names.add(str(arguments[0].value))
    return names


def _upstream_names(cls: type) -> set[str]:
    """The private names the classes `cls` inherits from other packages define or assign."""
    names: set[str] = set()
    for base in cls.__mro__[1:]:
        if base is object or base.__module__.startswith("xlt_allennlp"):
            continue
        names |= {name for name in vars(base) if _is_private(name)}
        with contextlib.suppress(OSError, TypeError, SyntaxError):
            names |= assigned_attributes(base)
    return names


def _inherited_private_names(tree: ast.Module, module: Any) -> set[str]:
    """Private names that our classes use as `self.<name>` or define, which a class of another
    package they inherit from defines or assigns (overrides and inherited state)."""
    names = set()
    for node in ast.walk(tree):
        cls = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
        if not inspect.isclass(cls):
            continue
        used = {
            child.attr
            for child in ast.walk(node)
            if isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id == "self"
        }
        used |= {child.name for child in node.body if isinstance(child, ast.FunctionDef)}
        names |= {name for name in used if _is_private(name)} & _upstream_names(cls)
    return names


def test_every_private_name_of_other_packages_the_package_uses_is_listed() -> None:
    # `PRIVATE_API` is the one inventory: a new use of a private allennlp / allennlp-models /
    # torch name must be added there (and so checked above).
    listed = {entry.name for entry in PRIVATE_API} | set(OWN_PRIVATE_NAMES)
    package = PROJECT_ROOT / "xlt_allennlp"
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in package.rglob("*.py")}
    own = set().union(*(_own_private_names(tree) for tree in trees.values()))
    unlisted: dict[str, set[str]] = {}
    for path, tree in trees.items():
        module_name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        module = importlib.import_module(module_name.removesuffix(".__init__"))
        found = (_accessed_private_names(tree) - own) | _inherited_private_names(tree, module)
        for name in found - listed:
            unlisted.setdefault(name, set()).add(module_name)
    assert not unlisted, f"private names used but not in private_api.PRIVATE_API: {unlisted}"
