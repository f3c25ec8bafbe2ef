"""Build the translated notebooks (notebooks/zh/*.ipynb) from the English ones and a catalogue of translations.

    python tools/translate_notebooks.py --check              # exit 1 and list every problem (CI, the drift test)
    python tools/translate_notebooks.py --write              # regenerate notebooks/zh/*.ipynb from English + catalogue
    python tools/translate_notebooks.py --todo [05_mnist_gan ...]   # JSON skeleton of what is missing or stale

The English notebook is the source of truth; a translation is the English notebook with its markdown replaced:

- the **catalogue** ``notebooks/<lang>/catalogue/<stem>.json`` holds one entry per English markdown cell, keyed by
  the cell id, in notebook order: ``{"<cell id>": {"en_sha1": "<sha1 of the English source, UTF-8>",
  "zh": "<translated markdown>"}}`` (UTF-8, ``ensure_ascii=False``, indent 1). ``en_sha1`` records which English
  text was translated: when the English cell changes, the entry is *stale* and ``--check`` says so;
- the cells every notebook shares (cell metadata ``{"ganedu": {"role": "launch" | "install" | "shutdown"}}``: the
  Colab/Binder badges, the Colab install cell, the closing "shut this kernel down" cell) are not in the catalogue:
  ``tools/launch_links.py`` generates them for the translation's own path, with its language's sentences
  (``launch_links.TEXTS["<lang>"]``), exactly as the build does. Where that tool is absent, the English cells are
  kept, with the badges' links pointed at ``notebooks/<lang>/``;
- code cells are the English ones, with ONE change: the setup call ``ge.setup(...)`` gets ``lang="<lang>"``, so
  the notebook selects its language explicitly wherever it runs (Colab starts every kernel in /content, so the
  notebook's folder cannot tell the language there). Cell ids are the English ones;
- ``--write`` keeps the outputs of a translated code cell whose source did not change; the release build
  (``tools/build_notebooks.py --all``) executes the translated notebooks like the English ones.

Until a cell is translated (or while its translation is stale) ``--write`` shows the English text there, never an
outdated translation; ``--check`` fails on it either way.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
LANGS = ("zh",)  # the translations this tool builds: notebooks/<lang>/
sys.path.insert(0, str(REPO / "tools"))
try:  # the shared cells' generator (tools/launch_links.py), which the build applies to every notebook too
    import launch_links
except ImportError:  # an older checkout without it: keep the English shared cells, links pointed at the translation
    launch_links = None
# ge.setup(...) on one line, without nested parentheses: the setup call every notebook makes
SETUP_CALL = re.compile(r"\bge\.setup\((?P<args>[^()\n]*)\)")
# "notebooks/05_mnist_gan.ipynb" inside a Colab/Binder link; a path already under notebooks/<lang>/ does not match
LAUNCH_PATH = re.compile(r"(?<=/)notebooks/(?=[^/\s)?#]+\.ipynb)")


def sha1(text: str) -> str:
    """The catalogue's fingerprint of an English cell: sha1 of its source, UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def role(cell: dict) -> str | None:
    """``launch`` / ``install`` / ``shutdown`` for the generated cells, else None (a cell of the lesson)."""
    if launch_links is not None:
        return launch_links.role_of(cell)
    return (cell.get("metadata", {}).get("ganedu") or {}).get("role")


def catalogue_path(notebooks: Path, stem: str, lang: str) -> Path:
    return notebooks / lang / "catalogue" / f"{stem}.json"


def load_catalogue(path: Path) -> dict[str, dict[str, str]]:
    """The catalogue at ``path`` ({} when there is none yet)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def localise_links(text: str, lang: str) -> str:
    """Point Colab/Binder links at the translation: ``.../notebooks/x.ipynb`` -> ``.../notebooks/zh/x.ipynb``."""
    return LAUNCH_PATH.sub(f"notebooks/{lang}/", text)


def localise_code(source: str, lang: str) -> str:
    """The English code with ``lang="<lang>"`` added to its ``ge.setup(...)`` call (the only change to code)."""
    def add(match: re.Match[str]) -> str:
        args = match["args"].strip()
        if "lang=" in args:
            return match[0]
        return f'ge.setup({args + ", " if args else ""}lang="{lang}")'

    return SETUP_CALL.sub(add, source)


@dataclass
class Translation:
    """What :func:`translate` made of one English notebook, and what it could not translate."""

    notebook: nbformat.NotebookNode
    missing: list[str] = field(default_factory=list)  # ids of markdown cells with no catalogue entry
    stale: list[str] = field(default_factory=list)  # ids whose entry translates an older English text
    kept_outputs: bool = True  # every code cell kept the outputs of the previous translated notebook


def translate(english: nbformat.NotebookNode, catalogue: dict, lang: str,
              previous: nbformat.NotebookNode | None = None, name: str | None = None) -> Translation:
    """The translated notebook for ``english`` (file ``name``, e.g. ``05_mnist_gan.ipynb``): markdown from
    ``catalogue``, code from English, the shared cells generated (see the module docstring); outputs of code cells
    whose source is unchanged come from ``previous`` (the translated notebook as it is now, if any)."""
    nb = copy.deepcopy(english)
    result = Translation(nb)
    for cell in nb.cells:
        kind = role(cell)
        if cell.cell_type == "code" and kind is None:
            cell.source = localise_code(cell.source, lang)
        elif cell.cell_type == "markdown" and kind is None:
            entry = catalogue.get(cell.get("id"))
            if entry is None or not str(entry.get(lang) or "").strip():  # absent, or a --todo skeleton's ""
                result.missing.append(cell.get("id"))
            elif entry.get("en_sha1") != sha1(cell.source):
                result.stale.append(cell.get("id"))  # the English text shows until the entry is updated
            else:
                cell.source = localise_links(entry[lang], lang)
        elif kind == "launch" and launch_links is None:
            cell.source = localise_links(cell.source, lang)
    if launch_links is not None and any(role(c) for c in english.cells):
        launch_links.apply(nb, Path("notebooks", lang, name or "notebook.ipynb"))  # the translation's own path
    old = {c.get("id"): c for c in previous.cells} if previous is not None else {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        before = old.get(cell.get("id"))
        if before is not None and before.cell_type == "code" and before.source == cell.source:
            cell.outputs, cell.execution_count = copy.deepcopy(before.outputs), before.execution_count
        else:
            cell.outputs, cell.execution_count = [], None
            result.kept_outputs = False
    meta = nb.metadata.setdefault("ganedu", {})
    meta.pop("build", None)
    meta["lang"] = lang
    if previous is not None and result.kept_outputs and "build" in previous.metadata.get("ganedu", {}):
        meta["build"] = copy.deepcopy(previous.metadata["ganedu"]["build"])  # still one build's outputs
    return result


def english_notebooks(notebooks: Path) -> list[Path]:
    return sorted(notebooks.glob("*.ipynb"))


def translated_path(notebooks: Path, english: Path, lang: str) -> Path:
    return notebooks / lang / english.name


def _read(path: Path) -> nbformat.NotebookNode | None:
    return nbformat.read(path, as_version=4) if path.is_file() else None


def _cells(nb: nbformat.NotebookNode) -> list[tuple]:
    return [(c.get("id"), c.cell_type, c.source) for c in nb.cells]


def problems(notebooks: Path, english: Path, lang: str) -> list[str]:
    """Everything that keeps ``english``'s translation from being complete and current (empty: all is well)."""
    found = []
    rel = f"{lang}/{english.name}"
    cat_path = catalogue_path(notebooks, english.stem, lang)
    catalogue = load_catalogue(cat_path)
    en = nbformat.read(english, as_version=4)
    mine = _read(translated_path(notebooks, english, lang))
    made = translate(en, catalogue, lang, mine, english.name)
    index = {c.get("id"): i for i, c in enumerate(en.cells)}
    if not cat_path.is_file():
        found.append(f"{rel}: no catalogue {cat_path.relative_to(notebooks)}")
    for cid in made.missing:
        found.append(f"{rel}: markdown cell {index[cid]} (id {cid}) has no translation")
    for cid in made.stale:
        found.append(f"{rel}: markdown cell {index[cid]} (id {cid}) has a stale translation: the English text "
                     "changed since it was translated")
    translatable = {c.get("id") for c in en.cells if c.cell_type == "markdown" and role(c) is None}
    for cid in catalogue:
        if cid not in translatable:
            found.append(f"{rel}: the catalogue translates cell {cid}, which the English notebook does not have "
                         "(or does not translate by hand): remove the entry")
    if mine is None:
        found.append(f"{rel}: missing: run python tools/translate_notebooks.py --write")
        return found
    want, have = _cells(made.notebook), _cells(mine)
    want_code = [c for c in want if c[1] == "code"]
    have_code = [c for c in have if c[1] == "code"]
    if want_code != have_code:
        found.append(f"{rel}: its code cells differ from the English notebook's (ids, order or source; only the "
                     "lang= of ge.setup may differ): run --write")
    elif want != have:
        found.append(f"{rel}: its markdown is not what the catalogue gives: run --write")
    if mine.metadata.get("ganedu", {}).get("lang") != lang:
        found.append(f"{rel}: metadata.ganedu.lang is not {lang!r}: run --write")
    return found


def orphans(notebooks: Path, lang: str) -> list[str]:
    """Translated notebooks and catalogues that no English notebook matches."""
    names = {p.stem for p in english_notebooks(notebooks)}
    found = [f"{lang}/{p.name}: no English notebook {p.name}: remove it"
             for p in sorted((notebooks / lang).glob("*.ipynb")) if p.stem not in names]
    found += [f"{lang}/catalogue/{p.name}: no English notebook {p.stem}.ipynb: remove it"
              for p in sorted((notebooks / lang / "catalogue").glob("*.json")) if p.stem not in names]
    return found


def write(notebooks: Path, lang: str) -> list[Path]:
    """Regenerate every translated notebook; returns the files that changed."""
    changed = []
    for english in english_notebooks(notebooks):
        target = translated_path(notebooks, english, lang)
        previous = _read(target)
        catalogue = load_catalogue(catalogue_path(notebooks, english.stem, lang))
        made = translate(nbformat.read(english, as_version=4), catalogue, lang, previous, english.name)
        nbformat.validate(made.notebook)
        text = nbformat.writes(made.notebook) + "\n"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(target)
        untranslated = len(made.missing) + len(made.stale)
        if untranslated:
            print(f"{target}: {untranslated} markdown cell(s) still in English (see --todo)", file=sys.stderr)
    return changed


def todo(notebooks: Path, lang: str, stems: list[str] | None = None) -> dict[str, dict[str, dict[str, str]]]:
    """``{stem: {cell id: {"en_sha1", "en", lang}}}`` for every missing or stale cell: fill in ``lang`` and copy
    ``en_sha1`` and ``lang`` into the catalogue (a stale entry shows its old translation to update)."""
    out = {}
    for english in english_notebooks(notebooks):
        if stems and english.stem not in stems:
            continue
        en = nbformat.read(english, as_version=4)
        catalogue = load_catalogue(catalogue_path(notebooks, english.stem, lang))
        made = translate(en, catalogue, lang, name=english.name)
        cells = {c.get("id"): c for c in en.cells}
        todo_cells = {cid: {"en_sha1": sha1(cells[cid].source), "en": cells[cid].source,
                            lang: catalogue.get(cid, {}).get(lang, "")}
                      for cid in [c.get("id") for c in en.cells] if cid in made.missing or cid in made.stale}
        if todo_cells:
            out[english.stem] = todo_cells
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="list missing/stale translations and drifted notebooks")
    mode.add_argument("--write", action="store_true", help="regenerate the translated notebooks")
    mode.add_argument("--todo", nargs="*", metavar="STEM", help="print a JSON skeleton of what to translate")
    parser.add_argument("--lang", choices=LANGS, default="zh")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks", help="the English notebooks' folder")
    args = parser.parse_args(argv)
    if args.todo is not None:
        print(json.dumps(todo(args.notebooks, args.lang, args.todo), ensure_ascii=False, indent=1))
        return 0
    if args.write:
        for path in write(args.notebooks, args.lang):
            print(f"wrote {path}")
        return 0
    found = [p for en in english_notebooks(args.notebooks) for p in problems(args.notebooks, en, args.lang)]
    found += orphans(args.notebooks, args.lang)
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)" if found else f"every {args.lang} notebook is complete and current")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
