"""The cells every course notebook shares, generated from ONE configured address (pyproject.toml, [project.urls]).

- a **launch** cell (markdown, right after the title cell): the Colab and Binder badges for this notebook's path;
- an **install** cell (code, right after it): on Colab only, installs ganedu from a copy of the repository found
  beside the notebook (a fork cloned or uploaded into Colab), else from the configured address, and says what to
  do if the package still cannot be imported; everywhere else it does nothing;
- a **shutdown** cell (markdown, the last cell): shut this kernel down before opening the next notebook.

Each carries its role in the cell metadata (``{"ganedu": {"role": "launch" | "install" | "shutdown"}}``), so the
generator finds and replaces it on every run: ``python tools/build_notebooks.py --links`` rewrites them in every
notebook (and the README's badges) without executing anything; the release build (``--all``) applies the same.
A translation (``notebooks/zh/X.ipynb``) gets badges pointing at its own path (``launch_cells(path)``), and the
two sentences of its language: add ``TEXTS["zh"] = {"shutdown": ..., "hint": ...}`` (the folder's name is the
language; a language without an entry gets English).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

REPO = Path(__file__).resolve().parent.parent
BRANCH = "main"  # what Colab opens and installs; Binder builds HEAD
ROLE_KEY = "ganedu"  # cell.metadata[ROLE_KEY]["role"]
CELL_IDS = {"launch": "ganedu-launch", "install": "ganedu-install", "shutdown": "ganedu-shutdown"}  # new cells only

#: The last cell of every notebook (English; the zh tool translates cells with role "shutdown" from its own text).
SHUTDOWN_TEXT = ("**Done with this notebook?** Shut its kernel down before you open the next one (*Kernel → Shut "
                 "Down Kernel*, or the *Running Terminals and Kernels* tab in JupyterLab; on Colab *Runtime → "
                 "Disconnect and delete runtime*): every open kernel keeps its memory, and on Binder all of them "
                 "together get about 2 GB.")
#: What the install cell prints on Colab when ganedu still cannot be imported ({repo}: the configured address).
INSTALL_HINT = ("ganedu could not be installed. Run this cell again; from a fork, first clone it here "
                "(!git clone https://github.com/YOU/ganedu) or upload the repository folder, then run this cell. "
                "See {repo}#run-it")
#: The generated sentences per language (the folder under notebooks/ that holds a translation; "en" at the top).
TEXTS: dict[str, dict[str, str]] = {
    "en": {"shutdown": SHUTDOWN_TEXT, "hint": INSTALL_HINT},
    "zh": {
        "shutdown": ('**学完这个笔记本了吗？** 打开下一个笔记本之前，请先关闭这个笔记本的内核（*Kernel → S'
            'hut Down Kernel*，或 JupyterLab 的 *Running Terminals'
            ' and Kernels* 标签页；Colab 上选 *代码执行程序 → 断开连接并删除运行时*）：'
            '每个打开着的内核都占着自己的内存，而在 Binder 上所有内核加起来只有大约 2 GB。'),
        "hint": ('ganedu 未能安装。请重新运行这个单元；如果用的是 fork，先把它克隆到这里（!git clo'
            'ne https://github.com/YOU/ganedu）或上传仓库文件夹，再运行这个单元。'
            '参见 {repo}#run-it'),
    },
}
# A badge line as the README and launch cells write it, and a block of them (the README's badges).
BADGE_LINE = re.compile(r"^\[!\[(?:Open In Colab|Binder)\]\(.*\n?", re.MULTILINE)
BADGE_BLOCK = re.compile(r"(?:^\[!\[(?:Open In Colab|Binder)\]\(.*(?:\n|$))+", re.MULTILINE)


def repository(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The configured address, ``[project.urls] Repository`` of pyproject.toml (``https://github.com/owner/name``)."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib  # Python >= 3.11

        return tomllib.loads(text)["project"]["urls"]["Repository"].rstrip("/")
    except ImportError:  # Python 3.10: the one line we need
        return re.search(r'^Repository\s*=\s*"([^"]+)"', text, re.MULTILINE).group(1).rstrip("/")


def _slug(repo: str) -> str:
    """``owner/name`` of a GitHub address."""
    match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?", repo)
    if not match:
        raise ValueError(f"[project.urls] Repository must be a https://github.com/owner/name address, got {repo!r}")
    return match.group(1)


def relative(path: str | Path) -> str:
    """``path`` (absolute, or relative to the repository) as a POSIX path relative to the repository root."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(REPO)
        except ValueError:  # a copy outside the repository (a test's temp folder): where it would live in it
            p = Path("notebooks", p.name)
    return str(PurePosixPath(*p.parts))


def texts(path: str | Path) -> dict[str, str]:
    """The generated sentences for the notebook at ``path``: ``TEXTS`` of its language folder, else English."""
    parts = PurePosixPath(relative(path)).parts  # ("notebooks", "zh", "05_x.ipynb") for a translation
    lang = parts[1] if len(parts) == 3 and parts[0] == "notebooks" else "en"
    return TEXTS.get(lang, TEXTS["en"])


def badges(path: str | Path, repo: str | None = None) -> str:
    """The Colab and Binder badges (two markdown lines) that open the notebook at ``path`` (repository-relative)."""
    slug, where = _slug(repo or repository()), relative(path)
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{where})\n"
            f"[![Binder](https://mybinder.org/badge_logo.svg)]"
            f"(https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=lab/tree/{where})")


def install_source(repo: str | None = None, hint: str = INSTALL_HINT) -> str:
    """The install cell's code: Colab only; a local copy of the repository first, else the configured address.

    ``pip -e`` of a local copy is importable only after a restart (its .pth file is read at start-up), hence the
    sys.path line. Dependencies are ganedu's loose ones, which Colab's torch and ipywidgets already satisfy.
    """
    repo = repo or repository()
    return "\n".join([
        "import sys",
        "from importlib.util import find_spec",
        "from pathlib import Path",
        'if "google.colab" in sys.modules:  # Colab only; its own torch and ipywidgets stay as they are',
        '    local = [p.resolve() for p in map(Path, ("..", "../..", ".", "ganedu"))  # from notebooks/ or zh/'
        '\n             if (p / "pyproject.toml").is_file() and (p / "ganedu").is_dir()]',
        f'    spec = f\'-e "{{local[0]}}"\' if local else "ganedu@git+{repo}@{BRANCH}"  # a copy here (fork, upload) '
        "first",
        "    %pip install -q {spec}",
        "    sys.path[:0] = [str(p) for p in local[:1]]  # an editable install is importable now, not after a restart",
        '    if find_spec("ganedu") is None:',
        f"        print({hint.format(repo=repo)!r})",
    ])


def _role(cell: nbformat.NotebookNode, role: str) -> nbformat.NotebookNode:
    cell.metadata[ROLE_KEY] = {"role": role}
    return cell


def launch_cells(path: str | Path, repo: str | None = None,
                 hint: str | None = None) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(launch markdown cell, install code cell) for the notebook at ``path`` (relative to the repository);
    ``hint``: what the install cell prints on failure (default: that of the notebook's language, ``texts(path)``)."""
    launch = _role(new_markdown_cell(badges(path, repo)), "launch")
    install = _role(new_code_cell(install_source(repo, hint or texts(path)["hint"])), "install")
    return launch, install


def shutdown_cell(text: str = SHUTDOWN_TEXT) -> nbformat.NotebookNode:
    """The notebook's last cell: shut this kernel down before the next notebook."""
    return _role(new_markdown_cell(text), "shutdown")


def role_of(cell: nbformat.NotebookNode) -> str | None:
    """The generated role of ``cell`` ("launch", "install", "shutdown"), or None for a cell of the lesson."""
    role = cell.get("metadata", {}).get(ROLE_KEY, {}).get("role")
    if role is None and cell.get("cell_type") == "code":  # the install cell before roles were recorded
        src = "".join(cell.get("source", ""))
        if '"google.colab" in sys.modules' in src and "pip install" in src:
            return "install"
    return role


def _strip_badges(cell: nbformat.NotebookNode) -> None:
    """Remove badge lines (and the blank line they leave) from the title cell."""
    src = "".join(cell.source) if isinstance(cell.source, list) else cell.source
    cleaned = BADGE_LINE.sub("", src)
    cell.source = re.sub(r"\n{3,}", "\n\n", cleaned)


def apply(nb: nbformat.NotebookNode, path: str | Path, repo: str | None = None, shutdown: str | None = None,
          hint: str | None = None) -> bool:
    """Put the generated cells into ``nb`` (the notebook at ``path``): title, launch, install, ..., shutdown.

    Idempotent: generated cells are found by their role and replaced; an existing install cell keeps its id,
    execution count and outputs (so a built notebook stays one clean run), other generated cells keep their ids.
    ``shutdown`` and ``hint`` default to the sentences of the notebook's language (:func:`texts`).
    A notebook that is not a numbered lesson (the classroom app) gets no shutdown cell: an app's kernel ends
    with its tab. Returns whether anything changed.
    """
    before = nbformat.writes(nb)
    lesson_notebook = re.match(r"\d\d_", Path(path).name) is not None
    shutdown = shutdown or texts(path)["shutdown"]
    launch, install = launch_cells(path, repo, hint)
    generated = {"launch": launch, "install": install, "shutdown": shutdown_cell(shutdown)}
    if not lesson_notebook:
        del generated["shutdown"]
    old = {}
    lesson = []
    for cell in nb.cells:
        role = role_of(cell)
        if role in generated:
            old.setdefault(role, cell)
        elif role == "shutdown":  # not wanted here (see above): dropped
            continue
        else:
            lesson.append(cell)
    for role, cell in generated.items():
        cell.id = old[role].get("id", CELL_IDS[role]) if role in old else CELL_IDS[role]
    if "install" in old:
        install.execution_count = old["install"].get("execution_count")
        install.outputs = old["install"].get("outputs", [])
    if lesson and lesson[0].cell_type == "markdown":
        _strip_badges(lesson[0])
    nb.cells = lesson[:1] + [launch, install] + lesson[1:] + ([generated["shutdown"]] if lesson_notebook else [])
    return nbformat.writes(nb) != before


def apply_readme(text: str, repo: str | None = None, start: str = "notebooks/00_start_here.ipynb") -> str:
    """The README ``text`` with its badge lines replaced by the generated badges of the first notebook."""
    found = BADGE_BLOCK.search(text)
    if found is None:
        raise ValueError("README.md has no badge lines ([![Open In Colab]... / [![Binder]...) to replace")
    return text[:found.start()] + badges(start, repo) + "\n" + text[found.end():]


def update(paths: list[Path], readme: Path | None = REPO / "README.md") -> list[Path]:
    """Apply the generated cells to the notebooks at ``paths`` and the badges to ``readme``; returns what changed."""
    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if apply(nb, path):
            nbformat.validate(nb)
            nbformat.write(nb, path)
            changed.append(path)
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        new = apply_readme(text)
        if new != text:
            readme.write_text(new, encoding="utf-8")
            changed.append(readme)
    return changed
