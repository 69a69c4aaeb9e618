"""The rules of the UD validator's levels 1 and 2 (UniversalDependencies/tools, validate.py) that
the raw-text predictions rely on, written out here so tests can check output without the
validator (it needs udapi and the UD tag data). Each rule returns a message naming the line.

Level 1 (format): UTF-8 text with LF line ends, ending in a blank line; sentences separated by
exactly one blank line; comments before the word lines; word lines of 10 TAB-separated, non-empty
columns without leading or trailing whitespace, no whitespace inside any column (FORM included);
IDs 1, 2, ... n; HEAD `_` or an integer 0..n.
Level 2 (metadata and annotation): one `# sent_id = X` per sentence, X without whitespace or `/`,
unique in the file; one `# text = ...` equal to the FORMs joined by a space except after words
with `SpaceAfter=No`; MISC `_` or `|`-separated `Name=Value` attributes, `SpaceAfter` only `No`;
and, where required (`upos`, `tree`), UPOS one of the 17 UD tags and a tree: integer HEADs,
exactly one word with HEAD 0 and it `root`, no cycle, DEPREL a UD relation (`:subtype` allowed).
"""

import re

from xlt_allennlp.data.labels import UD_RELATIONS, UPOS_TAGS


def ud_format_errors(text: str, upos: bool = False, tree: bool = False) -> list[str]:
    """The violations of the rules above in a CoNLL-U file's `text` (empty: none)."""
    errors: list[str] = []
    if "\r" in text:
        errors.append("CR character: line ends must be LF")
    if not text.endswith("\n\n") or text.endswith("\n\n\n"):
        errors.append("the file must end with exactly one blank line")
    lines = text.split("\n")[:-1]
    sent_ids: set[str] = set()
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line:
            block.append((number, line))
            continue
        if not block:
            errors.append(f"line {number}: a blank line that ends no sentence")
        else:
            errors += _sentence_errors(block, sent_ids, upos, tree)
        block = []
    if block:
        errors.append(f"line {block[-1][0]}: the last sentence is not ended by a blank line")
    return errors


def _sentence_errors(
    block: list[tuple[int, str]], sent_ids: set[str], upos: bool, tree: bool
) -> list[str]:
    errors: list[str] = []
    first = block[0][0]
    comments = [(n, line) for n, line in block if line.startswith("#")]
    words = [(n, line.split("\t")) for n, line in block if not line.startswith("#")]
    if not words:
        return [f"line {first}: a sentence without word lines"]
    if any(n > words[0][0] for n, _ in comments):
        return [f"line {first}: a comment after the first word line"]
    for n, columns in words:
        if len(columns) != 10:
            errors.append(f"line {n}: {len(columns)} columns, not 10")
            return errors
        for column in columns:
            if not column or column != column.strip() or re.search(r"\s", column):
                errors.append(f"line {n}: empty column or whitespace in {column!r}")
    ids = [columns[0] for _, columns in words]
    if ids != [str(i) for i in range(1, len(words) + 1)]:
        errors.append(f"line {first}: word IDs are not 1..{len(words)}: {ids}")
    heads = [columns[6] for _, columns in words]
    for (n, _), head in zip(words, heads, strict=True):
        if head != "_" and not (head.isdigit() and int(head) <= len(words)):
            errors.append(f"line {n}: HEAD {head!r} is not _ or 0..{len(words)}")
    # Level 2: metadata.
    values = {"sent_id": [], "text": []}
    for _, line in comments:
        match = re.match(r"^# (sent_id|text) = (.*)$", line)
        if match:
            values[match.group(1)].append(match.group(2))
    if len(values["sent_id"]) != 1 or not re.fullmatch(r"[^\s/]+", values["sent_id"][0]):
        errors.append(f"line {first}: needs exactly one valid '# sent_id = X': {values['sent_id']}")
    elif values["sent_id"][0] in sent_ids:
        errors.append(f"line {first}: sent_id {values['sent_id'][0]} is not unique")
    else:
        sent_ids.add(values["sent_id"][0])
    rebuilt = ""
    for n, columns in words:
        attributes = [] if columns[9] == "_" else columns[9].split("|")
        if any(not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*=\S+", item) for item in attributes):
            errors.append(f"line {n}: MISC {columns[9]!r} is not Name=Value|...")
        space_after = [item for item in attributes if item.startswith("SpaceAfter=")]
        if space_after not in ([], ["SpaceAfter=No"]):
            errors.append(f"line {n}: SpaceAfter must be No, once")
        rebuilt += columns[1] + ("" if space_after else " ")
    if values["text"] != [rebuilt.rstrip(" ")]:
        errors.append(f"line {first}: '# text' {values['text']} is not the words {rebuilt!r}")
    if upos:
        for n, columns in words:
            if columns[3] not in UPOS_TAGS:
                errors.append(f"line {n}: UPOS {columns[3]!r} is not a UD tag")
    if tree:
        errors += _tree_errors(first, words)
    return errors


def _tree_errors(first: int, words: list[tuple[int, list[str]]]) -> list[str]:
    errors = []
    if not all(columns[6].isdigit() for _, columns in words):
        return [f"line {first}: a HEAD is not an integer"]
    heads = [int(columns[6]) for _, columns in words]
    roots = [i for i, head in enumerate(heads) if head == 0]
    if len(roots) != 1 or words[roots[0]][1][7] != "root":
        errors.append(f"line {first}: not exactly one root word with DEPREL root: {roots}")
    for n, columns in words:
        if columns[7].split(":", 1)[0] not in UD_RELATIONS or (columns[7] == "root") != (
            columns[6] == "0"
        ):
            errors.append(f"line {n}: DEPREL {columns[7]!r} with HEAD {columns[6]}")
    for start in range(len(heads)):
        seen, word = set(), start + 1
        while word != 0 and word not in seen:
            seen.add(word)
            word = heads[word - 1]
        if word != 0:
            errors.append(f"line {first}: a cycle through word {start + 1}")
            break
    return errors
