"""Every registered component of the package documents itself the allennlp-models way.

The components are found from allennlp's registry (a newly registered class is covered without
touching this file): its class docstring opens with a one-line summary, says
'Registered as a `<Base>` with name "<name>".', and lists every constructor parameter in a
`# Parameters` section of `name : type` lines, each followed by indented description lines
(the layout the API reference's Markdown conversion expects, docs/_ext/allennlp_docstrings.py).
The parameters are those of the constructor allennlp calls: the registered one
(`from_partial_objects` for the trainer) or `__init__`, without `self`, `*args` and `**kwargs`.
Subcommands take no constructor parameters; they document their command line under `# Usage`.
"""

import inspect
import re
from typing import Optional

import pytest
from allennlp.common.registrable import Registrable
from allennlp.common.util import import_module_and_submodules

import xlt_allennlp

# `--include-package xlt_allennlp` imports every submodule: so does this test.
import_module_and_submodules(xlt_allennlp.__name__)

# A parameter line: `name : type ...` at the start of a line (after dedenting).
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][\w.]*) : \S")
SKIPPED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def registered_components() -> list[tuple[str, str, type, Optional[str]]]:
    """(base class name, registered name, class, registered constructor) of every component of
    the package, sorted by base class and name."""
    return sorted(
        (
            (base.__name__, name, cls, constructor)
            for base, names in Registrable._registry.items()
            for name, (cls, constructor) in names.items()
            if cls.__module__.split(".")[0] == xlt_allennlp.__name__
        ),
        key=lambda entry: (entry[0], entry[1]),
    )


COMPONENTS = registered_components()


def constructor_parameters(cls: type, constructor: Optional[str]) -> list[str]:
    """The parameters a config gives the constructor allennlp calls (`self`, `cls`, `*args` and
    `**kwargs` left out)."""
    function = getattr(cls, constructor) if constructor else cls.__init__  # type: ignore[misc]
    return [
        parameter.name
        for parameter in inspect.signature(function).parameters.values()
        if parameter.name not in ("self", "cls") and parameter.kind not in SKIPPED_KINDS
    ]


def own_docstring(cls: type) -> str:
    """The class's own docstring, dedented (never a base class's)."""
    return inspect.cleandoc(cls.__dict__.get("__doc__") or "")


def section(doc: str, title: str) -> Optional[str]:
    """The text of the `# <title>` section (up to the next `# ` heading outside a fenced
    block, or the end), or None without one."""
    lines = doc.split("\n")
    if f"# {title}" not in lines:
        return None
    body: list[str] = []
    in_fence = False
    for line in lines[lines.index(f"# {title}") + 1 :]:
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            break
        body.append(line)
    return "\n".join(body).strip("\n")


def layout_problems(parameters_text: str) -> list[str]:
    """Lines of a `# Parameters` section that break the `name : type` + indented description
    layout: a line that is neither, a blank line inside the list, an entry without
    description."""
    problems = []
    lines = parameters_text.split("\n")
    for index, line in enumerate(lines):
        if ENTRY.match(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not following.startswith("    ") or not following.strip():
                problems.append(f"no indented description under {line!r}")
        elif not line.strip():
            problems.append("a blank line inside the parameter list")
        elif not line.startswith("    "):
            problems.append(f"neither a `name : type` line nor an indented description: {line!r}")
    return problems


def test_the_registry_walk_finds_the_components() -> None:
    bases = {base for base, *_ in COMPONENTS}
    assert len(COMPONENTS) > 20
    assert {"DatasetReader", "Model", "Predictor", "Subcommand", "Trainer"} <= bases


@pytest.mark.parametrize(
    ("base", "name", "cls", "constructor"),
    COMPONENTS,
    ids=[f"{base}:{name}" for base, name, _, _ in COMPONENTS],
)
def test_docstring_follows_the_allennlp_models_convention(
    base: str, name: str, cls: type, constructor: Optional[str]
) -> None:
    where = f"{cls.__module__}.{cls.__qualname__} ({base} {name!r})"
    doc = own_docstring(cls)
    assert doc, f"{where} has no docstring"

    summary = doc.split("\n\n")[0]
    assert "\n" not in summary, f"{where}: the summary is not one line: {summary!r}"

    sentence = f'Registered as a `{base}` with name "{name}".'
    assert sentence in " ".join(doc.split()), f"{where}: no sentence {sentence!r}"

    parameters = constructor_parameters(cls, constructor)
    listed = section(doc, "Parameters")
    if parameters:
        assert listed is not None, f"{where}: no `# Parameters` section (needs {parameters})"
        missing = [p for p in parameters if not re.search(rf"^{re.escape(p)} : ", listed, re.M)]
        assert not missing, f"{where}: `# Parameters` does not list {', '.join(missing)}"
    if listed is not None:
        problems = layout_problems(listed)
        assert not problems, f"{where}: `# Parameters` layout: " + "; ".join(problems)
    if base == "Subcommand":
        assert section(doc, "Usage"), f"{where}: no `# Usage` section"
