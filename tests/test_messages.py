"""ganedu.messages: the message table, and a scan that no learner-visible sentence is written outside it.

A second language (the Chinese edition) must be a table, not a hunt: every text that ganedu raises, warns,
prints, draws on a figure or puts on a widget comes from ``msg(key, **fields)``. The scan reads the source of every
module (AST) and fails on a string literal in such a place. A line may opt out with a ``# msg-exempt: reason``
comment, for texts that only Python itself reads (e.g. a module ``__getattr__``'s AttributeError).
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import ganedu
from ganedu import messages

PACKAGE = Path(ganedu.__file__).parent
WORD = re.compile(r"[A-Za-z]{2,}")
# calls whose text argument a learner reads: method name -> index of that positional argument
TEXT_CALLS = {"set_title": 0, "set_xlabel": 0, "set_ylabel": 0, "suptitle": 0, "set_label": 0, "annotate": 0,
              "text": 2, "warn": 0, "print": 0, "HTML": 0, "Label": 0}
# keyword arguments whose value a learner reads (figures and widgets)
TEXT_KWARGS = {"label", "title", "xlabel", "ylabel", "description", "tooltip", "placeholder", "message"}
RAISE_OK = {"NotImplementedError"}  # abstract-method markers are for developers


def _literal_text(node: ast.AST | None) -> str:
    """The literal words in a str constant or f-string ('' for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp):  # "..." + "..." or "..." % x
        return _literal_text(node.left) + _literal_text(node.right)
    return ""


def _is_sentence(text: str) -> bool:
    return bool(WORD.search(text))


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def findings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every learner-visible literal in ``source`` that bypasses the message table."""
    lines = source.splitlines()
    out = []

    def flag(node: ast.AST, text: str) -> None:
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        if _is_sentence(text) and "msg-exempt:" not in line:
            out.append((node.lineno, text))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _call_name(node.exc) not in RAISE_OK:
                for arg in node.exc.args:
                    flag(node, _literal_text(arg))
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in TEXT_CALLS and len(node.args) > TEXT_CALLS[name]:
                flag(node, _literal_text(node.args[TEXT_CALLS[name]]))
            if name == "legend" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
                for elt in node.args[0].elts:
                    flag(node, _literal_text(elt))
            for kw in node.keywords:
                if kw.arg in TEXT_KWARGS:
                    flag(node, _literal_text(kw.value))
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "messages.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_learner_visible_literal_outside_the_message_table(path: Path) -> None:
    found = findings(path.read_text(encoding="utf-8"))
    listing = "\n".join(f"  {path.name}:{line}: {text!r}" for line, text in found)
    assert not found, f"learner-visible text outside ganedu/messages.py (use msg()):\n{listing}"


def test_the_scan_finds_each_kind_of_literal() -> None:
    src = ('def f(ax, w):\n    raise ValueError(f"bad value {w}")\n    ax.set_title("Losses")\n'
           '    ax.plot([1], label="real data")\n    ax.text(0, 0, "a note")\n    print("hello there")\n'
           '    ax.set_xlabel(msg("x"))\n    ax.set_ylabel("")\n    raise KeyError(w)  # no literal\n'
           '    raise AttributeError(f"no attribute {w}")  # msg-exempt: Python protocol\n')
    assert [line for line, _ in findings(src)] == [2, 3, 4, 5, 6]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_table_has_the_english_keys_and_fields() -> None:
    for lang, table in messages.TABLES.items():
        assert set(table) == set(messages.EN), f"{lang}: keys differ from English"
        for key, text in table.items():
            assert _fields(text) == _fields(messages.EN[key]), f"{lang}:{key} has other format fields"


def test_every_key_used_in_the_code_exists() -> None:
    used = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) == "msg" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.add(first.value)
    assert used - set(messages.EN) == set(), f"msg() keys missing from messages.EN: {sorted(used - set(messages.EN))}"


def test_msg_fills_fields_and_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    key = next(k for k, v in messages.EN.items() if _fields(v) == {"detail"})
    assert "xyz" in messages.msg(key, detail="xyz")
    monkeypatch.setenv("GANEDU_LANG", "no-such-language")
    assert messages.msg(key, detail="xyz") == messages.EN[key].format(detail="xyz")


def test_no_key_is_defined_twice() -> None:
    """A dict literal keeps the last of two equal keys silently: two helpers' blocks must not collide."""
    tree = ast.parse((PACKAGE / "messages.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            twice = sorted({k for k in keys if keys.count(k) > 1})
            assert not twice, f"keys defined twice in ganedu/messages.py: {twice}"
