from pathlib import Path

import pytest

from xlt_allennlp.data.conllu import read_conllu, replace_column
from xlt_allennlp.data.errors import DataFormatError

GOOD = (
    "# sent_id = 1\n"
    "# text = Vamos al mar.\n"
    "1\tVamos\tir\tVERB\t_\t_\t0\troot\t_\t_\n"
    "2-3\tal\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "2\ta\ta\tADP\t_\t_\t4\tcase\t_\t_\n"
    "3\tel\tel\tDET\t_\t_\t4\tdet\t_\t_\n"
    "3.1\tx\tx\tNOUN\t_\t_\t_\t_\t1:obj\t_\n"
    "4\tmar\tmar\tNOUN\t_\t_\t1\tobl:arg\t_\t_\n"
    "5\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n"
    "\n"
    "1\tSí\tsí\tINTJ\t_\t_\t0\troot\t_\t_\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "x.conllu") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return str(path)


def test_reads_words_and_keeps_raw_lines(tmp_path: Path) -> None:
    sentences = list(read_conllu(write(tmp_path, GOOD)))
    assert len(sentences) == 2  # the last one has no trailing blank line
    first = sentences[0]
    assert [w.form for w in first.words] == ["Vamos", "a", "el", "mar", "."]
    assert [w.upos for w in first.words] == ["VERB", "ADP", "DET", "NOUN", "PUNCT"]
    assert first.head_indices() == [0, 4, 4, 1, 1]
    assert len(first.lines) == 9  # 2 comments + multiword + empty node + 5 words
    assert first.lines[first.words[3].line_index].startswith("4\tmar")
    assert first.words[3].line_number == 8
    assert first.start_line == 1 and sentences[1].start_line == 11


def test_crlf_and_bom_are_accepted(tmp_path: Path) -> None:
    data = ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")
    sentences = list(read_conllu(write(tmp_path, data)))
    assert [w.form for w in sentences[1].words] == ["Sí"]
    assert sentences[0].words[0].misc == "_"


def test_replace_column() -> None:
    line = "4\tmar\tmar\tNOUN\t_\t_\t1\tobl\t_\t_"
    assert replace_column(line, "UPOS", "X").split("\t")[3] == "X"
    assert replace_column(line, "HEAD", "0").split("\t")[6] == "0"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("1\tVamos\tir\tVERB\t_\t_\t0\troot\t_\n", 1, "expected 10 tab-separated columns"),
        ("1 Vamos ir VERB _ _ 0 root _ _\n", 1, "not spaces"),
        (
            "1\ta\ta\tX\t_\t_\t0\troot\t_\t_\n3\tb\tb\tX\t_\t_\t1\tdep\t_\t_\n",
            2,
            "expected word ID 2",
        ),
        ("one\ta\ta\tX\t_\t_\t0\troot\t_\t_\n", 1, "ID must be an integer"),
        ("1\ta\ta\tX\t_\t_\t0\troot\t_\t_\n# late\n", 2, "comment line inside a sentence"),
        ("1\t\ta\tX\t_\t_\t0\troot\t_\t_\n", 1, "FORM column is empty"),
    ],
)
def test_malformed_lines_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, GOOD + "\n" + text)
    offset = GOOD.count("\n") + 1
    with pytest.raises(DataFormatError, match=message) as info:
        list(read_conllu(path))
    assert str(info.value).startswith(f"{path}:{offset + line}:")
    assert info.value.line_number == offset + line


def test_head_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "1\ta\ta\tX\t_\t_\tx\troot\t_\t_\n")
    (sentence,) = read_conllu(path)
    with pytest.raises(DataFormatError, match=rf"{path}:1: HEAD must be an integer"):
        sentence.head_indices()
    path = write(tmp_path, "1\ta\ta\tX\t_\t_\t0\troot\t_\t_\n2\tb\tb\tX\t_\t_\t7\tdep\t_\t_\n")
    (sentence,) = read_conllu(path)
    with pytest.raises(DataFormatError, match=rf"{path}:2: HEAD 7 is out of range"):
        sentence.head_indices()


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match="contains no CoNLL-U sentence") as info:
        list(read_conllu(path))
    assert str(info.value).startswith(f"{path}: ")


def test_undecodable_bytes_name_line_and_encoding(tmp_path: Path) -> None:
    data = GOOD.encode("utf-8") + "\n1\tMüller\tx\tPROPN\t_\t_\t0\troot\t_\t_\n".encode("latin-1")
    path = write(tmp_path, data)
    with pytest.raises(
        DataFormatError, match="cannot decode byte 0xfc at column 4 as utf-8"
    ) as info:
        list(read_conllu(path))
    assert info.value.line_number == GOOD.count("\n") + 2
    # With the right encoding the same file reads fine.
    sentences = list(read_conllu(path, encoding="latin-1"))
    assert sentences[-1].words[0].form == "Müller"
