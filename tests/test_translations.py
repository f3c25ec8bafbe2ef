"""The Chinese edition stays in step with the English notebooks (tools/translate_notebooks.py).

The drift tests read the committed files: every markdown cell of every English notebook has a current translation
in notebooks/zh/catalogue/<stem>.json (its ``en_sha1`` matches the English text), every notebooks/zh/<name>.ipynb
exists and is what the generator makes of English + catalogue (code identical but for ``lang="zh"`` in
``ge.setup``). When one fails: ``python tools/translate_notebooks.py --todo`` prints what to translate,
``--write`` regenerates the notebooks. The generator itself is tested on small synthetic notebooks in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"


import translate_notebooks as tool  # noqa: E402 - tools/ is on pytest's path (pyproject.toml)

ENGLISH = tool.english_notebooks(NOTEBOOKS)


# --- the committed translation ------------------------------------------------------------------------------------

def test_there_are_english_notebooks_to_translate():
    assert len(ENGLISH) >= 10


@pytest.mark.parametrize("lang", tool.LANGS)
@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_translation_is_complete_and_current(english: Path, lang: str):
    found = tool.problems(NOTEBOOKS, english, lang)
    if found:
        pytest.fail(f"{len(found)} problem(s); python tools/translate_notebooks.py --todo {english.stem} lists what "
                    "to translate, --write regenerates the notebook:\n  " + "\n  ".join(found), pytrace=False)


@pytest.mark.parametrize("lang", tool.LANGS)
def test_no_translation_without_an_english_notebook(lang: str):
    assert tool.orphans(NOTEBOOKS, lang) == []


# --- the generator, on synthetic notebooks ------------------------------------------------------------------------

@pytest.fixture
def generator_alone(monkeypatch):
    """The synthetic tests check the generator's own rules: without tools/launch_links.py's shared cells (tested
    below, where that tool exists), which would add an install and a shutdown cell to these small notebooks."""
    monkeypatch.setattr(tool, "launch_links", None)


synthetic = pytest.mark.usefixtures("generator_alone")

LAUNCH = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google"
          ".com/github/ganedu/ganedu/blob/main/notebooks/99_test.ipynb)\n[![Binder](https://mybinder.org/badge_logo.svg)]"
          "(https://mybinder.org/v2/gh/ganedu/ganedu/HEAD?urlpath=lab/tree/notebooks/99_test.ipynb)")


def _english() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[
        new_markdown_cell("# 99 · Test", id="title"),
        new_markdown_cell(LAUNCH, id="badges", metadata={"ganedu": {"role": "launch"}}),
        new_code_cell("import ganedu as ge\n\nge.setup(seed=0)", id="setup"),
        new_markdown_cell("## 1 · The discriminator\n\nIt outputs $D(x)$.", id="one"),
        new_code_cell("x = 1 + 1\nprint(x)", id="sum"),
        new_markdown_cell("Done.", id="bye", metadata={"ganedu": {"role": "shutdown"}}),
    ])
    nb.metadata["ganedu"] = {"needs_mnist": False}
    return nb


def _catalogue(nb: nbformat.NotebookNode) -> dict:
    zh = {"title": "# 99 · 测试", "one": "## 1 · 判别器\n\n它输出 $D(x)$。"}
    return {cid: {"en_sha1": tool.sha1(next(c.source for c in nb.cells if c.id == cid)), "zh": text}
            for cid, text in zh.items()}


def _course(tmp_path: Path, translated: bool = True) -> tuple[Path, Path]:
    """notebooks/99_test.ipynb and its catalogue in tmp_path; the zh notebook written when ``translated``."""
    root = tmp_path / "notebooks"
    (root / "zh" / "catalogue").mkdir(parents=True)
    english = root / "99_test.ipynb"
    nb = _english()
    nbformat.write(nb, english)
    (root / "zh" / "catalogue" / "99_test.json").write_text(json.dumps(_catalogue(nb), ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
    if translated:
        tool.write(root, "zh")
    return root, english


@synthetic
def test_generator_translates_markdown_and_copies_code(tmp_path):
    root, english = _course(tmp_path)
    assert tool.problems(root, english, "zh") == []
    zh = nbformat.read(root / "zh" / "99_test.ipynb", as_version=4)
    en = _english()
    assert [c.id for c in zh.cells] == [c.id for c in en.cells]
    cells = {c.id: c for c in zh.cells}
    assert cells["title"].source == "# 99 · 测试" and cells["one"].source.startswith("## 1 · 判别器")
    assert cells["setup"].source == 'import ganedu as ge\n\nge.setup(seed=0, lang="zh")'  # the one change to code
    assert cells["sum"].source == en.cells[4].source
    assert cells["bye"].source == "Done."  # generated cells are not translated here (launch_links makes them)
    assert zh.metadata["ganedu"] == {"needs_mnist": False, "lang": "zh"}


@synthetic
def test_launch_cell_points_at_the_translated_notebook(tmp_path):
    root, _ = _course(tmp_path)
    badges = next(c for c in nbformat.read(root / "zh" / "99_test.ipynb", as_version=4).cells if c.id == "badges")
    assert "blob/main/notebooks/zh/99_test.ipynb" in badges.source
    assert "urlpath=lab/tree/notebooks/zh/99_test.ipynb" in badges.source
    assert "notebooks/99_test" not in badges.source
    assert tool.localise_links(badges.source, "zh") == badges.source  # applied twice: no notebooks/zh/zh/


@pytest.mark.parametrize(("english", "chinese"), [
    ("ge.setup(seed=0)", 'ge.setup(seed=0, lang="zh")'),
    ("device = ge.setup()", 'device = ge.setup(lang="zh")'),
    ('ge.setup(seed=1, lang="zh")', 'ge.setup(seed=1, lang="zh")'),
    ("ge.seed_everything(0)", "ge.seed_everything(0)"),
])
def test_only_the_setup_call_changes(english: str, chinese: str):
    assert tool.localise_code(english, "zh") == chinese


@synthetic
def test_a_changed_english_cell_makes_its_translation_stale(tmp_path):
    root, english = _course(tmp_path)
    nb = nbformat.read(english, as_version=4)
    nb.cells[3].source += " It is a probability."
    nbformat.write(nb, english)
    found = tool.problems(root, english, "zh")
    assert any("id one" in p and "stale" in p for p in found)
    tool.write(root, "zh")  # until the entry is updated the English text shows, never the outdated Chinese one
    cells = {c.id: c for c in nbformat.read(root / "zh" / "99_test.ipynb", as_version=4).cells}
    assert cells["one"].source == nb.cells[3].source
    stale = tool.todo(root, "zh")["99_test"]["one"]
    assert stale["en_sha1"] == tool.sha1(nb.cells[3].source) and stale["zh"].startswith("## 1 · 判别器")


@synthetic
def test_a_missing_translation_and_a_missing_notebook_are_reported(tmp_path):
    root, english = _course(tmp_path, translated=False)
    catalogue = root / "zh" / "catalogue" / "99_test.json"
    entries = json.loads(catalogue.read_text(encoding="utf-8"))
    del entries["title"]
    entries["one"]["zh"] = ""  # pasted from --todo, not filled in
    catalogue.write_text(json.dumps(entries), encoding="utf-8")
    found = tool.problems(root, english, "zh")
    assert any("id title" in p and "no translation" in p for p in found)
    assert any("id one" in p and "no translation" in p for p in found)
    assert any("missing" in p and "--write" in p for p in found)
    assert list(tool.todo(root, "zh")["99_test"]) == ["title", "one"]
    assert tool.main(["--check", "--notebooks", str(root)]) == 1


@synthetic
def test_changed_code_in_a_translation_is_reported(tmp_path):
    root, english = _course(tmp_path)
    target = root / "zh" / "99_test.ipynb"
    nb = nbformat.read(target, as_version=4)
    nb.cells[4].source = "x = 3\nprint(x)"
    nbformat.write(nb, target)
    assert any("code cells differ" in p for p in tool.problems(root, english, "zh"))
    nb.cells[4].source = "x = 1 + 1\nprint(x)"
    nb.cells[3].source = "## 1 · 改过的文字"
    nbformat.write(nb, target)
    assert any("markdown is not what the catalogue gives" in p for p in tool.problems(root, english, "zh"))


@synthetic
def test_write_keeps_outputs_of_unchanged_code_only(tmp_path):
    root, english = _course(tmp_path)
    target = root / "zh" / "99_test.ipynb"
    nb = nbformat.read(target, as_version=4)
    for count, index in enumerate((2, 4), start=1):
        nb.cells[index].execution_count = count
        nb.cells[index].outputs = [new_output("stream", name="stdout", text=f"out {count}\n")]
    nb.metadata["ganedu"]["build"] = {"device": "cpu", "torch": "2.5.1", "cores": 2}
    nbformat.write(nb, target)
    assert tool.write(root, "zh") == []  # nothing to change: the file is left as it is
    en = nbformat.read(english, as_version=4)
    en.cells[4].source = "x = 2 + 2\nprint(x)"
    nbformat.write(en, english)
    assert tool.write(root, "zh") == [target]
    zh = nbformat.read(target, as_version=4)
    assert zh.cells[2].outputs[0].text == "out 1\n" and zh.cells[2].execution_count == 1
    assert zh.cells[4].outputs == [] and zh.cells[4].execution_count is None
    assert "build" not in zh.metadata["ganedu"]  # no longer one build's outputs: the release build must run it


@synthetic
def test_extra_catalogue_entries_and_orphans_are_reported(tmp_path):
    root, english = _course(tmp_path)
    catalogue = root / "zh" / "catalogue" / "99_test.json"
    entries = json.loads(catalogue.read_text(encoding="utf-8"))
    entries["gone"] = {"en_sha1": "0" * 40, "zh": "旧的"}
    catalogue.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert any("gone" in p for p in tool.problems(root, english, "zh"))
    (root / "zh" / "98_old.ipynb").write_text(nbformat.writes(new_notebook()), encoding="utf-8")
    assert tool.orphans(root, "zh") == ["zh/98_old.ipynb: no English notebook 98_old.ipynb: remove it"]


def test_shared_cells_come_from_launch_links_for_the_translations_path():
    """Where tools/launch_links.py exists: the zh notebook's badges open notebooks/zh/, its install and shutdown
    cells are that tool's for the zh folder, and the lesson's code is untouched."""
    if tool.launch_links is None:
        pytest.skip("tools/launch_links.py is not in this checkout")
    links = tool.launch_links
    english = next(p for p in ENGLISH
                   if any(links.role_of(c) == "launch" for c in nbformat.read(p, as_version=4).cells))
    en = nbformat.read(english, as_version=4)
    zh = tool.translate(en, {}, "zh", name=english.name).notebook
    roles = {links.role_of(c): c for c in zh.cells if links.role_of(c)}
    assert f"notebooks/zh/{english.name}" in roles["launch"].source
    assert roles["shutdown"].source == links.texts(f"notebooks/zh/{english.name}")["shutdown"]
    assert [links.role_of(c) for c in zh.cells] == [links.role_of(c) for c in en.cells]
    lesson = [(c.id, tool.localise_code(c.source, "zh")) for c in en.cells if c.cell_type == "code" and not
              links.role_of(c)]
    assert [(c.id, c.source) for c in zh.cells if c.cell_type == "code" and not links.role_of(c)] == lesson
