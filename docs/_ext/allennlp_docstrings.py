"""A Griffe extension for the API reference: renders allennlp-style docstrings as Markdown.

allennlp and allennlp-models write `# Parameters` sections with `name : type` lines followed by
indented descriptions; allennlp converts them with its own `py2md` script, which is not part of
the installed package. Indented lines would be Markdown code blocks and `# Parameters` a page
heading, so each section heading becomes a bold line and each parameter a list item.
"""

import re

import griffe

HEADING = re.compile(r"^# (\w[\w ]*)$")
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][\w.]*)\s:\s(.+)$")


def allennlp_to_markdown(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    in_section = in_fence = False
    for line in lines:
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
            continue
        heading = HEADING.match(line)
        if heading:
            in_section = True
            out.extend([f"**{heading.group(1)}**", ""])
            continue
        if in_section:
            entry = ENTRY.match(line)
            if entry:
                out.append(f"- **`{entry.group(1)}`** : {entry.group(2)}  ")
                continue
            if line.startswith("    ") and out and out[-1].startswith(("- ", "  ")):
                out.append("  " + line.strip())
                continue
            if line.strip() and not line.startswith(" "):
                in_section = bool(ENTRY.match(line))
        out.append(line)
    return "\n".join(out)


class AllennlpDocstrings(griffe.Extension):
    """Rewrites every docstring's allennlp-style sections before mkdocstrings renders them."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = allennlp_to_markdown(obj.docstring.value)
