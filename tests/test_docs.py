"""The README and the docs site cannot rot: every command block marked as a fixture example runs,
the output shown after it is what it prints (numbers aside), and no page names a path that exists
only on a development machine. (`mkdocs build --strict`, run by scripts/test.sh, checks the links.)

Marking, in any page: `<!-- fixture-example -->` on the line before a ```bash fence; the blocks
of one page run in order, with `bash -euo pipefail`, in one scratch directory that looks like the
repository root (each top-level entry linked, `runs/` left out). `<!-- fixture-output -->` on the
line before a ```text fence right after an example: each of its lines (but a line `...`) must be
in the example's output once every number is replaced by `N`.
"""

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import PROJECT_ROOT

EXAMPLE_MARK = "<!-- fixture-example -->"
OUTPUT_MARK = "<!-- fixture-output -->"
PAGES = sorted([PROJECT_ROOT / "README.md", *(PROJECT_ROOT / "docs").rglob("*.md")])
NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")
# What only a development machine has: its shared data and tools, the measured encoder's copy.
DEVELOPMENT_PATHS = re.compile(r"\.\./shared|/work/|\.\./e5-small|ud-real|/tmp/clone")
HISTORY = re.compile(r"\b[Ii]ssue \d+|\bsession\b")


@dataclass
class Example:
    page: Path
    line: int
    commands: str
    shown_output: str | None


def fenced_block(lines: list[str], start: int, fence: str, page: Path) -> tuple[str, int]:
    """The text of the fenced block opening at `start` (which must be `fence`), and the line
    after its closing fence."""
    if not lines[start].strip().startswith(fence):
        raise ValueError(f"{page}:{start + 1}: expected a {fence} block after the marker")
    for end in range(start + 1, len(lines)):
        if lines[end].strip() == "```":
            return "\n".join(lines[start + 1 : end]), end + 1
    raise ValueError(f"{page}:{start + 1}: the {fence} block is not closed")


def fixture_examples(page: Path) -> list[Example]:
    lines = page.read_text(encoding="utf-8").split("\n")
    examples = []
    for number, line in enumerate(lines):
        if line.strip() != EXAMPLE_MARK:
            continue
        commands, after = fenced_block(lines, number + 1, "```bash", page)
        while after < len(lines) and not lines[after].strip():
            after += 1
        shown = None
        if after < len(lines) and lines[after].strip() == OUTPUT_MARK:
            shown, _ = fenced_block(lines, after + 1, "```text", page)
        examples.append(Example(page, number + 2, commands, shown))
    attached = sum(example.shown_output is not None for example in examples)
    marks = [n + 1 for n, line in enumerate(lines) if line.strip() == OUTPUT_MARK]
    if len(marks) != attached:
        raise ValueError(
            f"{page}: {len(marks)} output marks (lines {marks}) but {attached} follow an example "
            "directly: an output block must come right after its example block"
        )
    return examples


def scratch_root(directory: Path) -> Path:
    """A directory that looks like the repository root to a command run in it."""
    for entry in sorted(PROJECT_ROOT.iterdir()):
        if entry.name not in {"runs", ".git"}:
            (directory / entry.name).symlink_to(entry)
    return directory


def clean_environment() -> dict[str, str]:
    """The test's environment without ext vars (lower-case names) a block could pick up."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name[:1].islower() or name.endswith("_proxy")
    }


def without_numbers(text: str) -> str:
    return NUMBER.sub("N", text)


def run_example(example: Example, cwd: Path) -> None:
    page = example.page
    name = page.relative_to(PROJECT_ROOT) if page.is_relative_to(PROJECT_ROOT) else page
    where = f"{name}:{example.line}"
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", example.commands],
        cwd=cwd, env=clean_environment(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"{where}: the fixture example failed (status {result.returncode}):\n"
        f"{example.commands}\n--- output (end) ---\n{output[-4000:]}"
    )
    if example.shown_output is None:
        return
    actual = without_numbers(output)
    for shown in example.shown_output.split("\n"):
        if shown.strip() in {"", "..."}:
            continue
        assert without_numbers(shown) in actual, (
            f"{where}: the page shows a line the example does not print:\n{shown}\n"
            f"--- output (end) ---\n{output[-4000:]}"
        )


PAGES_WITH_EXAMPLES = [
    page
    for page in PAGES
    if any(line.strip() == EXAMPLE_MARK for line in page.read_text(encoding="utf-8").split("\n"))
]


@pytest.mark.parametrize(
    "page", PAGES_WITH_EXAMPLES, ids=[str(p.relative_to(PROJECT_ROOT)) for p in PAGES_WITH_EXAMPLES]
)
def test_fixture_examples_run_as_shown(page: Path, tmp_path: Path) -> None:
    examples = fixture_examples(page)
    assert examples
    cwd = scratch_root(tmp_path)
    for example in examples:
        run_example(example, cwd)


def test_a_renamed_flag_or_changed_output_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n<!-- fixture-example -->\n```bash\necho 'grid: 3 of 4 points done'\n```\n\n"
        "<!-- fixture-output -->\n```text\ngrid: 4 of 4 points done\n...\n```\n\n"
        "<!-- fixture-example -->\n```bash\necho 'selected lr=0.3'\n```\n"
        "<!-- fixture-output -->\n```text\nchosen lr=0.3\n```\n\n"
        "<!-- fixture-example -->\n```bash\n"
        "python -c 'import argparse; argparse.ArgumentParser().parse_args()' --no-such-flag\n"
        "```\n",
        encoding="utf-8",
    )
    numbers_differ, words_differ, bad_flag = fixture_examples(page)
    assert numbers_differ.shown_output == "grid: 4 of 4 points done\n..."
    run_example(numbers_differ, tmp_path)  # numbers may differ between machines
    with pytest.raises(AssertionError, match="shows a line the example does not print"):
        run_example(words_differ, tmp_path)
    with pytest.raises(AssertionError, match="the fixture example failed"):
        run_example(bad_flag, tmp_path)


def test_a_marker_without_its_block_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- fixture-example -->\n```text\nls\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="page.md:2: expected a ```bash block"):
        fixture_examples(page)
    # shown output separated from its example by prose would go unchecked
    page.write_text(
        "<!-- fixture-example -->\n```bash\nls\n```\nIt prints:\n\n"
        "<!-- fixture-output -->\n```text\nx\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="must come right after its example"):
        fixture_examples(page)


def test_pages_name_no_development_machine_path_and_no_history() -> None:
    found = []
    for page in PAGES:
        for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), start=1):
            if DEVELOPMENT_PATHS.search(line) or HISTORY.search(line):
                found.append(f"{page.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_readme_is_short_and_its_links_resolve() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.split("\n")) <= 250
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    missing = [t for t in targets if "://" not in t and not (PROJECT_ROOT / t).exists()]
    assert not missing, missing


def test_every_registered_name_is_on_the_components_page() -> None:
    from allennlp.common.registrable import Registrable

    import xlt_allennlp  # noqa: F401

    page = (PROJECT_ROOT / "docs" / "components.md").read_text(encoding="utf-8")
    missing = [
        f"{base.__name__} {name}"
        for base, names in Registrable._registry.items()
        for name, (cls, _) in names.items()
        if cls.__module__.startswith("xlt_allennlp") and f"`{name}`" not in page
    ]
    assert not missing, sorted(missing)
