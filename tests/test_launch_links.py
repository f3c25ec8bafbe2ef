"""The cells every notebook shares (tools/launch_links.py): badges, the Colab install cell, the closing advice.

Every committed notebook (translations too) and the README must hold exactly what the generator makes from the
address configured in pyproject.toml; the install cell is run here under a pretend Colab to see what it installs.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent


import launch_links as links  # noqa: E402 - tools/ is on pytest's path (pyproject.toml)

NOTEBOOKS = sorted(p for p in (REPO / "notebooks").glob("**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _name(path: Path) -> str:
    return str(path.relative_to(REPO / "notebooks").with_suffix(""))


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_address_is_configured_once():
    assert links.repository() == "https://github.com/ganedu/ganedu"
    assert links.repository(REPO / "pyproject.toml") in links.install_source()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_holds_the_generated_cells(path: Path):
    nb = nbformat.read(path, as_version=4)
    launch, install = links.launch_cells(path.relative_to(REPO))
    roles = [links.role_of(cell) for cell in nb.cells]
    fix = "python tools/build_notebooks.py --links"
    assert roles[1:3] == ["launch", "install"], f"cells 1-2 must be the generated ones: {fix}"
    assert roles.count("launch") == roles.count("install") == 1
    assert _src(nb.cells[1]) == launch.source and nb.cells[1].metadata["ganedu"] == {"role": "launch"}
    assert _src(nb.cells[2]) == install.source and nb.cells[2].metadata["ganedu"] == {"role": "install"}
    if path.name[:2].isdigit():  # a lesson ends with the advice to shut its kernel down
        assert roles[-1] == "shutdown" and roles.count("shutdown") == 1
        assert _src(nb.cells[-1]) == links.texts(path.relative_to(REPO))["shutdown"]
    else:  # the classroom app: its kernel ends with its tab
        assert "shutdown" not in roles
    assert "[![" not in _src(nb.cells[0]), "the title cell keeps no badges: they live in the launch cell"


def test_readme_badges_are_the_generated_ones():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert links.apply_readme(text) == text, "regenerate them: python tools/build_notebooks.py --links"
    assert links.badges("notebooks/00_start_here.ipynb") in text


def test_badges_point_at_the_notebooks_own_path():
    text = links.badges("notebooks/zh/05_mnist_gan.ipynb", "https://github.com/someone/fork")
    assert ("https://colab.research.google.com/github/someone/fork/blob/main/notebooks/zh/05_mnist_gan.ipynb"
            in text)
    assert "https://mybinder.org/v2/gh/someone/fork/HEAD?urlpath=lab/tree/notebooks/zh/05_mnist_gan.ipynb" in text
    assert links.relative(REPO / "notebooks" / "zh" / "x.ipynb") == "notebooks/zh/x.ipynb"
    with pytest.raises(ValueError, match="owner/name"):
        links.badges("notebooks/x.ipynb", "https://gitlab.com/a/b")


def _legacy() -> nbformat.NotebookNode:
    """A notebook as they were before the generator: badges in the title cell, an install cell without a role."""
    old_badges = links.badges("notebooks/99_x.ipynb", "https://github.com/old/place")
    install = new_code_cell('import sys\nif "google.colab" in sys.modules:\n    %pip install -q "ganedu @ x"',
                            execution_count=1, outputs=[])
    install.id = "keepme"
    return new_notebook(cells=[new_markdown_cell(f"# 99 · X\n\n{old_badges}\n\nWelcome."), install,
                               new_code_cell("import ganedu as ge", execution_count=2),
                               new_markdown_cell("## Summary")])


def test_apply_rewrites_a_legacy_notebook_and_is_idempotent():
    nb = _legacy()
    assert links.apply(nb, "notebooks/99_x.ipynb")
    assert [links.role_of(c) for c in nb.cells] == [None, "launch", "install", None, None, "shutdown"]
    assert nb.cells[0].source == "# 99 · X\n\nWelcome."
    assert "old/place" not in nbformat.writes(nb)
    assert "ganedu/ganedu/blob/main/notebooks/99_x.ipynb" in nb.cells[1].source
    assert (nb.cells[2].id, nb.cells[2].execution_count) == ("keepme", 1)  # a built notebook stays one clean run
    nbformat.validate(nb)
    again = nbformat.writes(nb)
    assert not links.apply(nb, "notebooks/99_x.ipynb")
    assert nbformat.writes(nb) == again
    assert not links.apply(nb, "notebooks/99_x.ipynb", shutdown=links.SHUTDOWN_TEXT)


def test_apply_takes_translated_texts(monkeypatch):
    nb = _legacy()
    links.apply(nb, "notebooks/zh/99_x.ipynb", shutdown="关闭内核。", hint="无法安装 ganedu。")
    assert nb.cells[-1].source == "关闭内核。" and "无法安装 ganedu。" in nb.cells[2].source
    assert "notebooks/zh/99_x.ipynb" in nb.cells[1].source
    monkeypatch.setitem(links.TEXTS, "zh", {"shutdown": "请关闭内核。", "hint": "安装失败：{repo}"})
    assert links.apply(nb, "notebooks/zh/99_x.ipynb")  # a language's own sentences, by its folder
    assert nb.cells[-1].source == "请关闭内核。" and "安装失败：https://github.com/ganedu/ganedu" in nb.cells[2].source
    assert links.texts("notebooks/99_x.ipynb")["shutdown"] == links.SHUTDOWN_TEXT
    assert links.texts("notebooks/fr/99_x.ipynb") == links.TEXTS["en"]  # no French yet: English


# --- the install cell, run under a pretend Colab ----------------------------------------------------------------


class _Shell:
    """Stands in for IPython: records %pip lines, expanded from the cell's namespace as IPython does."""

    def __init__(self, ns: dict) -> None:
        self.ns, self.pip = ns, []

    def run_line_magic(self, name: str, line: str) -> None:
        assert name == "pip"
        self.pip.append(line.format(**self.ns))


def _run_install_cell(monkeypatch, cwd: Path, importable: bool = True) -> tuple[_Shell, dict]:
    IPython = pytest.importorskip("IPython")
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(links.install_source())
    monkeypatch.chdir(cwd)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    if not importable:
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    ns: dict = {}
    shell = _Shell(ns)
    ns["get_ipython"] = lambda: shell
    exec(compile(code, "<install cell>", "exec"), ns)
    assert IPython  # the transform above is IPython's own
    return shell, ns


def test_install_cell_installs_a_local_copy_first(monkeypatch, tmp_path):
    repo = tmp_path / "fork"
    (repo / "ganedu").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'ganedu'\n")
    (repo / "notebooks").mkdir()
    shell, _ = _run_install_cell(monkeypatch, repo / "notebooks")  # Jupyter's working folder: the notebook's
    assert shell.pip == [f'install -q -e "{repo.resolve()}"']
    assert sys.path[0] == str(repo.resolve())  # importable at once, without a restart


def test_install_cell_finds_a_clone_in_colabs_working_folder(monkeypatch, tmp_path):
    clone = tmp_path / "ganedu"  # !git clone .../ganedu in /content
    (clone / "ganedu").mkdir(parents=True)
    (clone / "pyproject.toml").write_text("")
    shell, _ = _run_install_cell(monkeypatch, tmp_path)
    assert shell.pip == [f'install -q -e "{clone.resolve()}"']


def test_install_cell_installs_from_the_configured_address(monkeypatch, tmp_path, capsys):
    shell, _ = _run_install_cell(monkeypatch, tmp_path)
    assert shell.pip == ["install -q ganedu@git+https://github.com/ganedu/ganedu@main"]
    assert capsys.readouterr().out == ""


def test_install_cell_says_what_to_do_when_the_import_fails(monkeypatch, tmp_path, capsys):
    _run_install_cell(monkeypatch, tmp_path, importable=False)
    out = capsys.readouterr().out
    assert "could not be installed" in out and "git clone" in out and "https://github.com/ganedu/ganedu" in out


def test_install_cell_does_nothing_outside_colab(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    from IPython.core.inputtransformer2 import TransformerManager

    shell = _Shell({})
    ns = {"get_ipython": lambda: shell}
    exec(TransformerManager().transform_cell(links.install_source()), ns)
    assert shell.pip == []


def test_pip_reads_the_install_spec():
    requirements = pytest.importorskip("packaging.requirements")
    spec = "ganedu@git+https://github.com/ganedu/ganedu@main"
    assert spec in links.install_source()
    req = requirements.Requirement(spec)
    assert (req.name, req.url) == ("ganedu", "git+https://github.com/ganedu/ganedu@main")
