"""Hygiene rules for committed notebooks: what GitHub shows must be one clean, machine-neutral run.

Shared by ``tests/test_notebooks.py`` (fails on the committed files) and ``tools/build_notebooks.py`` (refuses to
write a notebook that breaks a rule). Every check reads plain notebook JSON (an nbformat v4 dict or NotebookNode)
and returns a list of ``Finding``s; an empty list means the notebook keeps the rule. Pure JSON reading, no kernel.

    python tools/notebook_hygiene.py [notebooks ...]   # print the findings, one line each, and a count per rule
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REBUILD = "rebuild it with python tools/build_notebooks.py"  # the usual remedy, named in most findings
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# An absolute path of the build machine, or a memory address (differs on every run).
MACHINE_TEXT = re.compile(r"/work/|/root/|/home/[^/\s]+/|/tmp/|/Users/|C:\\|site-packages|\bat 0x[0-9a-f]{6,}")
WARNING_TEXT = re.compile(r"Warning:|UserWarning|DeprecationWarning|FutureWarning|RuntimeWarning|警告：")
WIDGET_REPR = re.compile(r"VBox\(children=|HBox\(children=|interactive\(|IntSlider\(|FloatSlider\(|Output\(|"
                         r"Button\(|Dropdown\(|Tab\(children=")
DISPLAY_OBJECT = "<IPython.core.display.Image object>"  # nbconvert's text for an Image with no text form
STILL_TYPES = ("image/png",)  # a still every viewer shows beside an animation (GitHub's renderer may skip GIFs)
# "## 4 · Title", "## 8. Title", "### 5b · Title": a numbered section heading; the number is group 2.
SECTION = re.compile(r"^(#{2,6})\s+(\d+[a-z]?)\s*(?:·|\.|:|\))\s", re.MULTILINE)
# The setup banner ganedu.setup() prints (message key "banner"); the word "device" may be translated.
BANNER = re.compile(r"ganedu (?P<version>\S+) \| torch (?P<torch>\S+) \| [^:|\n]+: (?P<device>[^|\n]+?)\s*(?:\||$)",
                    re.MULTILINE)
QUICK_MARK = "(GANEDU_QUICK)"  # in the banner's quick-mode note (message key "banner_quick") in every language


@dataclass(frozen=True)
class Finding:
    """One broken rule: which ``rule``, in which ``cell`` (0-based index as in nbformat, None: the whole
    notebook), and ``text`` saying what is wrong and what to do."""

    rule: str  # a key of RULES
    cell: int | None  # index into nb["cells"], or None for notebook-level findings
    text: str  # what is wrong and what to do

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell is not None else "notebook"
        return f"[{self.rule}] {where}: {self.text}"


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def text_of(value: Any) -> str:
    """A notebook text field (a string, or a list of lines as nbformat stores it) as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def output_texts(out: Mapping[str, Any]) -> list[str]:
    """Every text a viewer may show for one output: stream text, text/* and JSON bundles, error tracebacks."""
    if out.get("output_type") == "stream":
        return [text_of(out.get("text", ""))]
    if out.get("output_type") == "error":
        return [f"{out.get('ename', '')}: {out.get('evalue', '')}", *map(str, out.get("traceback", []))]
    return [text_of(v) for k, v in out.get("data", {}).items() if k.startswith("text/")
            or (k.endswith("json") and k != WIDGET_VIEW)]


def code_outputs(nb: Mapping[str, Any]) -> Iterable[tuple[int, Mapping[str, Any]]]:
    """(cell index, output) for every output of every code cell."""
    for index, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            yield index, out


def _excerpt(text: str, match: re.Match[str]) -> str:
    start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
    return " ".join(text[start:end].split())


def _text_rule(nb: Mapping[str, Any], rule: str, pattern: re.Pattern[str], what: str) -> list[Finding]:
    """One finding per output whose text matches ``pattern`` (the first match is quoted)."""
    found = []
    for index, out in code_outputs(nb):
        for text in output_texts(out):
            match = pattern.search(text)
            if match:
                found.append(Finding(rule, index, f"{what}: ...{_excerpt(text, match)}..."))
                break
    return found


def check_machine_paths(nb: Mapping[str, Any]) -> list[Finding]:
    """Outputs show no absolute path of the build machine (nor a memory address)."""
    return _text_rule(nb, "machine_paths", MACHINE_TEXT,
                      "an output shows text of the build machine; print config.display_path(p) where the library "
                      f"prints a path, and {REBUILD} (it also rewrites leftover paths)")


def check_errors(nb: Mapping[str, Any]) -> list[Finding]:
    """No stored error output."""
    return [Finding("errors", index, f"a stored error ({out.get('ename')}: {str(out.get('evalue', ''))[:80]}); fix "
                    f"the cell and {REBUILD}") for index, out in code_outputs(nb) if out.get("output_type") == "error"]


def check_stderr(nb: Mapping[str, Any]) -> list[Finding]:
    """No stream output named stderr (log noise, warnings, progress bars)."""
    return [Finding("stderr", index, f"a stderr stream is stored ({' '.join(text_of(out.get('text', '')).split())[:80]}"
                    f"); silence or fix its cause, then {REBUILD}")
            for index, out in code_outputs(nb) if out.get("output_type") == "stream" and out.get("name") == "stderr"]


def check_warnings(nb: Mapping[str, Any]) -> list[Finding]:
    """No warning text in any output (printed warnings included)."""
    return _text_rule(nb, "warnings", WARNING_TEXT,
                      f"an output shows warning text; remove the cause of the warning, then {REBUILD}")


def check_widget_reprs(nb: Mapping[str, Any]) -> list[Finding]:
    """Widgets are stored as the friendly placeholder, never as a raw repr or an unrendered widget view."""
    found = _text_rule(nb, "widget_reprs", WIDGET_REPR,
                       f"a raw widget repr is stored instead of the placeholder; {REBUILD} (it stores the placeholder)")
    seen = {f.cell for f in found}
    found += [Finding("widget_reprs", index, f"a widget view is stored (GitHub cannot show it); {REBUILD}")
              for index, out in code_outputs(nb) if WIDGET_VIEW in out.get("data", {}) and index not in seen]
    return found


def check_image_stills(nb: Mapping[str, Any]) -> list[Finding]:
    """An ``IPython.display.Image`` output (e.g. a GIF) also stores a PNG still, so every viewer shows a picture;
    and a cell that shows an animation (``image/gif``) also shows a PNG still (nbconvert and GitHub play no GIF)."""
    found = []
    for index, out in code_outputs(nb):
        data = out.get("data", {})
        if DISPLAY_OBJECT in text_of(data.get("text/plain", "")) and not any(t in data for t in STILL_TYPES):
            kinds = ", ".join(sorted(k for k in data if k != "text/plain")) or "nothing else"
            found.append(Finding("image_stills", index, f"an image output shows the text {DISPLAY_OBJECT} beside "
                                 f"{kinds} and no PNG still; display an object that also carries image/png"))
    flagged = {f.cell for f in found}
    for index, cell in enumerate(nb.get("cells", [])):
        kinds = {k for out in cell.get("outputs", []) if cell.get("cell_type") == "code" for k in out.get("data", {})}
        if "image/gif" in kinds and not kinds & set(STILL_TYPES) and index not in flagged:
            found.append(Finding("image_stills", index, "an animation (image/gif) is stored without a PNG still "
                                 f"beside it; show it with Recorder.show(), which adds the still, and {REBUILD}"))
    return found


def check_execution(nb: Mapping[str, Any]) -> list[Finding]:
    """Every non-empty code cell ran, in one top-to-bottom run: execution counts 1, 2, 3, ..."""
    found, expected = [], 1
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code" or not _source(cell).strip():
            continue  # nbclient skips empty cells; they carry no count
        count = cell.get("execution_count")
        if count is None:
            found.append(Finding("execution", index, f"this code cell was never executed; {REBUILD}"))
        elif count != expected:
            found.append(Finding("execution", index, f"execution count {count}, expected {expected} in one "
                                 f"top-to-bottom run; {REBUILD}"))
        expected += 1
    return found


def check_section_numbers(nb: Mapping[str, Any]) -> list[Finding]:
    """No section number is used twice at the same heading level."""
    found, first = [], {}
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        for match in SECTION.finditer(_source(cell)):
            key = (len(match.group(1)), match.group(2))
            if key in first:
                found.append(Finding("section_numbers", index, f"section number {match.group(2)} is used again "
                                     f"(first in cell {first[key]}); renumber the sections"))
            else:
                first[key] = index
    return found


def _exercise_calls(tree: ast.AST) -> Iterable[ast.Call]:
    """Calls ``<...>.exercises.check_<name>(...)`` or ``exercises.check_<name>(...)`` in a parsed cell."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("check_"):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "exercises":
                yield node


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _bindings(stmt: ast.stmt) -> dict[str, bool]:
    """Names a top-level statement binds, each with whether it binds them to the constant None."""
    if isinstance(stmt, ast.Assign):
        return {t.id: _is_none(stmt.value) for t in stmt.targets if isinstance(t, ast.Name)}
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return {stmt.target.id: _is_none(stmt.value)}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name: False}
    return {}


def check_exercise_answers(nb: Mapping[str, Any]) -> list[Finding]:
    """Self-check exercises are stored unanswered: the answer passed to ``ge.exercises.check_*`` is ``None``,
    written in place or as a variable whose latest binding is ``name = None``."""
    found, none_valued = [], {}  # none_valued: name -> whether its latest top-level binding is None
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        lines = [line for line in _source(cell).splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue  # a cell that does not parse fails the execution rules instead
        for stmt in tree.body:
            for call in _exercise_calls(stmt):
                answer = call.args[0] if call.args else (call.keywords[0].value if call.keywords else None)
                if answer is None or _is_none(answer):
                    continue
                if isinstance(answer, ast.Name) and none_valued.get(answer.id):
                    continue
                shown = ast.unparse(answer)[:60]
                found.append(Finding("exercise_answers", index, f"{call.func.attr} is stored with the answer {shown}, "
                                     "not None; store it as answer = None so the learner works it out"))
            none_valued.update(_bindings(stmt))
    return found


def check_widget_state(nb: Mapping[str, Any]) -> list[Finding]:
    """No saved widget state in the notebook metadata."""
    if "widgets" in nb.get("metadata", {}):
        return [Finding("widget_state", None, f"metadata.widgets (saved widget state) is stored; {REBUILD}, which "
                        "removes it")]
    return []


def banners(nb: Mapping[str, Any]) -> list[tuple[int, dict[str, str]]]:
    """The ``ge.setup()`` banners an executed notebook shows: (cell index, {"version", "torch", "device"})."""
    found = []
    for index, out in code_outputs(nb):
        for text in output_texts(out):
            found += [(index, {k: v.strip() for k, v in m.groupdict().items()}) for m in BANNER.finditer(text)]
    return found


def build_profile(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """``metadata.ganedu.build`` as the build tool records it: {"device", "torch", "cores"}, or None."""
    return nb.get("metadata", {}).get("ganedu", {}).get("build")


def check_build_profile(nb: Mapping[str, Any]) -> list[Finding]:
    """The notebook records its build profile, its banners agree with it, and it was built in full mode."""
    profile = build_profile(nb)
    if not profile:
        return [Finding("build_profile", None, f"no metadata.ganedu.build (device, torch, cores); {REBUILD}")]
    found = []
    for index, banner in banners(nb):
        if banner["torch"] != profile.get("torch") or not banner["device"].startswith(str(profile.get("device"))):
            found.append(Finding("build_profile", index, f"the banner shows torch {banner['torch']} on "
                                 f"{banner['device']}, the build profile says torch {profile.get('torch')} on "
                                 f"{profile.get('device')}; {REBUILD}"))
    for index, out in code_outputs(nb):
        if any(QUICK_MARK in text for text in output_texts(out)):
            found.append(Finding("build_profile", index, f"built in quick mode (tiny sizes); {REBUILD} (full mode)"))
            break
    return found


def device_key(shown: str) -> str:
    """The device a banner shows, the same in every language: its kind and its numbers (``"cpu (2 cores)"`` and
    ``"cpu (2 核)"`` -> ``"cpu 2"``; a GPU's name is never translated)."""
    kind = shown.split(maxsplit=1)[0] if shown.strip() else ""
    return " ".join([kind, *re.findall(r"\d+", shown[len(kind):])])


def profile_key(nb: Mapping[str, Any]) -> tuple[str, ...]:
    """What must be the same for every notebook of the course: the recorded profile and the banners' devices."""
    profile = build_profile(nb) or {}
    shown = sorted({f"torch {b['torch']} | {device_key(b['device'])}" for _, b in banners(nb)})
    return (str(profile.get("device")), str(profile.get("torch")), str(profile.get("cores")), *shown)


def check_same_profile(nb: Mapping[str, Any], reference: tuple[str, ...]) -> list[Finding]:
    """This notebook was built on the ``reference`` profile (the one most notebooks of the course show); one that
    shows no setup banner (an app) is compared on the recorded profile alone."""
    mine = profile_key(nb)
    if not banners(nb):
        reference = reference[:3]
    if mine != reference:
        return [Finding("same_profile", None, f"built on {mine}, while the course's notebooks show {reference}; "
                        f"{REBUILD} on the reference profile")]
    return []


def reference_profile(notebooks: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The profile most notebooks show (ties: the first seen)."""
    counts = Counter(profile_key(nb) for nb in notebooks)
    return counts.most_common(1)[0][0] if counts else ()


# The per-notebook rules, by name (the test runs one test per notebook per rule).
RULES: dict[str, Callable[[Mapping[str, Any]], list[Finding]]] = {
    "machine_paths": check_machine_paths,
    "errors": check_errors,
    "stderr": check_stderr,
    "warnings": check_warnings,
    "widget_reprs": check_widget_reprs,
    "image_stills": check_image_stills,
    "execution": check_execution,
    "section_numbers": check_section_numbers,
    "exercise_answers": check_exercise_answers,
    "widget_state": check_widget_state,
    "build_profile": check_build_profile,
}


def check(nb: Mapping[str, Any], reference: tuple[str, ...] | None = None) -> list[Finding]:
    """Every per-notebook rule, and (given a ``reference`` profile) the same-profile rule."""
    found = [f for rule in RULES.values() for f in rule(nb)]
    return found + (check_same_profile(nb, reference) if reference is not None else [])


def notebook_paths(root: Path) -> list[Path]:
    """Every committed course notebook under ``root`` (notebooks/*.ipynb and translations such as
    notebooks/zh/*.ipynb), checkpoints excluded."""
    return sorted(p for p in root.glob("**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    import json

    args = argv if argv is not None else sys.argv[1:]
    repo = Path(__file__).resolve().parent.parent
    paths = [Path(a) for a in args] or notebook_paths(repo / "notebooks")
    books = {p: json.loads(p.read_text(encoding="utf-8")) for p in paths}
    reference = reference_profile(books.values())
    total = 0
    for path, nb in books.items():
        found = check(nb, reference)
        total += len(found)
        counts = Counter(f.rule for f in found)
        print(f"{path.name}: {len(found)} finding(s) " + ", ".join(f"{r} {n}" for r, n in sorted(counts.items())))
        for finding in found:
            print(f"  {finding}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
