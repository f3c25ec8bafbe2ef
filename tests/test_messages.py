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


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("messages.py", "messages_zh.py"))


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


@pytest.mark.parametrize("lang", sorted(messages.TABLES))
def test_every_table_has_the_english_keys_and_fields(lang: str) -> None:
    table = messages.TABLES[lang]
    missing, extra = sorted(set(messages.EN) - set(table)), sorted(set(table) - set(messages.EN))
    assert not missing, f"{lang}: {len(missing)} key(s) of EN not translated yet: {', '.join(missing)}"
    assert not extra, f"{lang}: key(s) that EN does not have (renamed or removed?): {', '.join(extra)}"
    other = [key for key, text in table.items() if _fields(text) != _fields(messages.EN[key])]
    assert not other, f"{lang}: other format fields than English in: {', '.join(other)}"


def test_the_chinese_table_exists_and_is_chinese() -> None:
    assert "zh" in messages.TABLES
    han = re.compile(r"[\u4e00-\u9fff]")
    # every sentence with English words in it is translated (labels such as "D(x)" or "FD" may stay as they are)
    same = {"env_gpu_cuda", "env_gpu_mps", "fig_minimax_title"}  # a GPU's name, a formula with its unit (nats)
    words = lambda text: WORD.findall(re.sub(r"\{[^{}]*\}", "", text))  # noqa: E731 (field names are not words)
    untranslated = [key for key, text in messages.ZH.items()
                    if len(words(messages.EN[key])) >= 3 and not han.search(text) and key not in same]
    assert not untranslated, f"zh entries without a Chinese character: {untranslated}"


def test_the_banner_stays_machine_readable_in_every_language() -> None:
    """tools/notebook_hygiene.py reads the setup banner of every built notebook, in any language."""
    import notebook_hygiene as hygiene  # tools/ is on pytest's path (pyproject.toml)

    for lang, table in messages.TABLES.items():
        line = table["banner"].format(version="0.1.0", torch="2.5.1", device=table["env_device_cpu"].format(
            kind="cpu", cores=2), extra=table["banner_quick"])
        found = hygiene.BANNER.search(line)
        assert found and found["torch"] == "2.5.1" and found["device"].startswith("cpu"), (lang, line)
        assert hygiene.QUICK_MARK in line, f"{lang}: the quick-mode note must keep {hygiene.QUICK_MARK!r}"


def _unset_language(monkeypatch) -> None:
    """$GANEDU_LANG unset for this test, and restored afterwards even when the code under test sets it (a plain
    delenv of an absent variable records nothing to restore)."""
    monkeypatch.setenv("GANEDU_LANG", "en")
    monkeypatch.delenv("GANEDU_LANG")


# --- choosing the language ----------------------------------------------------------------------------------------

def test_msg_follows_the_language_at_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    _unset_language(monkeypatch)
    assert messages.language() == "en" and messages.msg("dash_start") == messages.EN["dash_start"]
    monkeypatch.setenv("GANEDU_LANG", "zh")
    assert messages.language() == "zh" and messages.msg("dash_start") == messages.ZH["dash_start"]
    assert messages.msg("check_ok", detail="x") == messages.ZH["check_ok"].format(detail="x")


@pytest.mark.parametrize("name", ["zh", "ZH", "zh_CN", "zh-CN", "zh_CN.UTF-8", "zh-Hans", " zh "])
def test_language_names_are_normalised(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _unset_language(monkeypatch)
    assert messages.set_language(name) == "zh"
    assert messages.language() == "zh"


def test_an_unknown_language_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GANEDU_LANG", "en")
    with pytest.raises(ValueError, match=r"'klingon'.*en, zh"):
        messages.set_language("klingon")
    assert messages.language() == "en"  # unchanged


def test_a_key_missing_from_a_translation_shows_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GANEDU_LANG", "zh")
    monkeypatch.delitem(messages.ZH, "dash_start")
    assert messages.msg("dash_start") == messages.EN["dash_start"]


# --- the glossary: the Chinese table uses docs/glossary.zh.md's terms ---------------------------------------------

GLOSSARY = PACKAGE.parent / "docs" / "glossary.zh.md"
ROW = re.compile(r"^\|\s*(?P<en>[^|]+?)\s*\|\s*(?P<zh>[^|]+?)\s*\|\s*(?P<avoid>[^|]*?)\s*\|", re.MULTILINE)
# English term -> the glossary's Chinese term, checked in every message whose English uses the term
KEY_TERMS = {"discriminator": "判别器", "generator": "生成器", "learning rate": "学习率", "mode collapse": "模式崩溃",
             "spectral norm": "谱归一化", "gradient penalty": "梯度惩罚", "checkpoint": "检查点",
             "non-saturating": "非饱和"}


def glossary() -> list[dict[str, str]]:
    """The glossary's table rows: {"en", "zh", "avoid"} (the header and the separator row left out)."""
    rows = [m.groupdict() for m in ROW.finditer(GLOSSARY.read_text(encoding="utf-8"))]
    return [r for r in rows if not set(r["zh"]) <= set("-: ") and r["en"] != "English"]


def test_the_glossary_lists_the_key_terms() -> None:
    chosen = {r["en"].lower(): r["zh"] for r in glossary()}
    for en, zh in KEY_TERMS.items():
        assert any(en in term and zh in chosen[term] for term in chosen), f"glossary lacks {en} -> {zh}"


def test_the_chinese_table_avoids_the_terms_the_glossary_rejects() -> None:
    avoided = {word.strip(): r["zh"] for r in glossary() for word in re.split(r"[,，、/]", r["avoid"]) if word.strip()}
    assert {"鉴别器", "隐空间"} <= set(avoided), "the glossary names the rejected variants it is checked for"
    found = [(key, word, avoided[word]) for key, text in messages.ZH.items() for word in avoided if word in text]
    assert not found, "zh uses terms the glossary rejects (key, term, glossary's choice): " + repr(found)


@pytest.mark.parametrize("term", sorted(KEY_TERMS))
def test_the_chinese_table_uses_the_glossary_term(term: str) -> None:
    word = re.compile(rf"(?<![\w.'{{-]){term}(?![\w.'(])", re.IGNORECASE)  # the word, not code (--checkpoint)
    keys = [key for key, text in messages.EN.items() if word.search(text)]
    assert keys, f"no English message uses {term!r}: drop it from KEY_TERMS"
    off = [key for key in keys if KEY_TERMS[term] not in messages.ZH[key]]
    assert not off, f"messages whose English says {term!r} but whose Chinese lacks {KEY_TERMS[term]}: {off}"


def test_the_glossary_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.ZH, "dash_tip_step", "走一步：先更新鉴别器 k 次，再更新生成器一次")
    with pytest.raises(AssertionError, match="鉴别器"):
        test_the_chinese_table_avoids_the_terms_the_glossary_rejects()


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


@pytest.mark.parametrize("name", ["messages.py", "messages_zh.py"])
def test_no_key_is_defined_twice(name: str) -> None:
    """A dict literal keeps the last of two equal keys silently: two helpers' blocks must not collide."""
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            twice = sorted({k for k in keys if keys.count(k) > 1})
            assert not twice, f"keys defined twice in ganedu/{name}: {twice}"
