"""Rebuild the course notebooks on one reference profile, so the committed outputs are one clean run.

    python tools/build_notebooks.py --all                       # every notebook, in place (the release build)
    python tools/build_notebooks.py notebooks/05_mnist_gan.ipynb [more.ipynb ...]
    python tools/build_notebooks.py --check notebooks/05_mnist_gan.ipynb   # run in memory, report, write nothing
    python tools/build_notebooks.py --links [notebooks ...]     # only regenerate launch/install/shutdown cells

The reference profile, the same on every builder: each notebook runs top to bottom in a fresh kernel of *this*
Python environment, on the CPU only (``CUDA_VISIBLE_DEVICES=""``), on at most 2 cores (the kernel's CPU affinity,
so the banner says "cpu (2 cores)" and the thread policy uses 2 threads at most), in full mode (``GANEDU_QUICK``
removed), offline, with MNIST's test split only (``GANEDU_DATA`` must point at a folder holding the test split and
not the train split; ``--allow-train`` builds anyway), with a fresh temporary cache (``GANEDU_CACHE``) and runs
folder (``GANEDU_RUNS``), and without progress bars (``TQDM_DISABLE=1``: a bar is a widget or stderr, neither of
which belongs in a committed notebook). Before running, the tool regenerates the cells every notebook shares
(tools/launch_links.py: the Colab/Binder badges, the Colab install cell, the closing "shut this kernel down" cell)
from the address configured in pyproject.toml. Afterwards the tool

- reduces widget outputs to a placeholder and removes saved widget state (GitHub shows no live widgets);
- rewrites the builder's paths in text outputs: the repository -> relative to the notebook, the temporary
  data/cache folders -> ``~/.cache/ganedu``, the runs folder -> ``runs``, the home folder -> ``~``;
- records the profile in ``metadata.ganedu.build`` ({"device", "torch", "cores"});
- prints the kernel's peak memory (VmHWM, the kernel and its child processes, read just before shutdown) and
  records it with the date and profile in ``benchmarks/memory.json`` (full builds that write only);
- refuses to write a notebook with an error or any finding of tools/notebook_hygiene.py (the rules that
  tests/test_notebooks.py applies to the committed files), and warns about one over 1 MB.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tools"), str(REPO)]  # notebook_hygiene beside this file; this checkout's ganedu
import launch_links  # noqa: E402
import notebook_hygiene as hygiene  # noqa: E402

from ganedu.messages import TABLES  # noqa: E402

WIDGET_VIEW = hygiene.WIDGET_VIEW
MAX_BYTES = 1_000_000  # GitHub renders large notebooks slowly or not at all; figures at modest dpi stay well under
MAX_CORES = 2  # the reference profile: a 2-core CPU, like a free Colab/Binder machine or a small laptop
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CLAIM_MARK = "✓ "  # what ge.check.that prints before a claim that holds (message key "claim_holds")
PATH_END = r"[^\s'\"<>()\[\],;|`]*"  # the rest of a path in printed text, up to a quote, bracket or space
MEMORY_FILE = REPO / "benchmarks" / "memory.json"  # each notebook's peak kernel memory, as the last full build saw it


class _ThisEnvironment(KernelSpecManager):
    """Resolve "python3" to this interpreter, whatever kernels are installed elsewhere (like nbval's current-env)."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name == "python3":
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


# --- the reference profile ------------------------------------------------------------------------------------

def mnist_splits(root: Path) -> dict[str, bool]:
    """Which MNIST splits lie under ``root`` (``{"train": bool, "test": bool}``), read without importing torch."""
    from ganedu import data  # this repository's copy (the tool runs from the checkout)

    return {split: data.available(split, root) for split in ("train", "test")}


def data_problem(root: str | None, allow_train: bool) -> str | None:
    """Why ``GANEDU_DATA`` = ``root`` is not the reference data folder, or None when it is."""
    if not root:
        return ("GANEDU_DATA is not set: point it at a folder holding only MNIST's test split (MNIST/raw/t10k-*), "
                "the data the tests use, e.g. GANEDU_DATA=../shared/data")
    splits = mnist_splits(Path(root))
    if not splits["test"]:
        return (f"no MNIST test split under {root}/MNIST/raw: put t10k-images-idx3-ubyte.gz and "
                "t10k-labels-idx1-ubyte.gz there, or point GANEDU_DATA at a folder that has them")
    if splits["train"] and not allow_train:
        return (f"{root} also holds MNIST's train split, which learners on the reference profile may not have: "
                "point GANEDU_DATA at a folder with the test split only, or pass --allow-train")
    return None


def reference_cores() -> list[int]:
    """The CPUs the kernel may use: the first ``MAX_CORES`` of this process's affinity."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    return cpus[:MAX_CORES]


@contextmanager
def reference_environment(quick: bool) -> Iterator[dict[str, object]]:
    """Set this process's environment (the kernel inherits it) to the reference profile; yields the profile and
    the temporary folders; restores the environment and removes the folders afterwards."""
    saved_env = dict(os.environ)
    saved_cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    temp = Path(tempfile.mkdtemp(prefix="ganedu-build-"))
    cache, runs = temp / "cache", temp / "runs"
    cache.mkdir()
    runs.mkdir()
    cpus = reference_cores()
    data = Path(os.environ["GANEDU_DATA"]).expanduser().resolve()  # absolute: the kernel starts elsewhere
    try:
        os.environ.update(CUDA_VISIBLE_DEVICES="", GANEDU_DATA=str(data), GANEDU_CACHE=str(cache),
                          GANEDU_RUNS=str(runs), GANEDU_OFFLINE="1", OMP_NUM_THREADS=str(len(cpus) or MAX_CORES),
                          MKL_NUM_THREADS=str(len(cpus) or MAX_CORES), TQDM_DISABLE="1",
                          PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        os.environ.pop("GANEDU_THREADS", None)  # the course's own thread policy, as learners get it
        if quick:
            os.environ["GANEDU_QUICK"] = "1"
        else:
            os.environ.pop("GANEDU_QUICK", None)
        if cpus:
            os.sched_setaffinity(0, cpus)  # the kernel process inherits it: cpu_cores() reports 2
        import torch  # the kernel's torch: this environment's

        profile = {"device": "cpu", "torch": torch.__version__, "cores": len(cpus) or os.cpu_count()}
        yield {"profile": profile, "cache": cache, "runs": runs, "data": data,
               "quick": quick}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        if saved_cpus:
            os.sched_setaffinity(0, saved_cpus)
        shutil.rmtree(temp, ignore_errors=True)


# --- cleaning the outputs -------------------------------------------------------------------------------------

def placeholder(nb: nbformat.NotebookNode) -> str:
    """The widget placeholder in the notebook's language (``metadata.ganedu.lang``, set on translations)."""
    lang = nb.metadata.get("ganedu", {}).get("lang", "en")
    return TABLES.get(lang, TABLES["en"])["build_widget_placeholder"]


def strip_widgets(nb: nbformat.NotebookNode) -> int:
    """Remove saved widget state and reduce widget-view outputs to the placeholder; returns how many changed."""
    nb.metadata.pop("widgets", None)
    fallback = placeholder(nb)
    changed = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            bundle = out.get("data", {})
            text = hygiene.text_of(bundle.get("text/plain", ""))
            if WIDGET_VIEW in bundle or (len(bundle) == 1 and hygiene.WIDGET_REPR.match(text)):  # a view, or its repr
                out["data"] = {"text/plain": fallback}  # a widget repr like "VBox(children=..." reads badly
                out.get("metadata", {}).pop(WIDGET_VIEW, None)
                changed += 1
    return changed


def path_rewrites(notebook_dir: Path, folders: dict) -> list[tuple[re.Pattern[str], object]]:
    """(pattern, replacement) pairs that turn the builder's absolute paths into what a learner would see.

    ``folders``: the build's {"data", "cache", "runs"} folders (absent ones are skipped). Longer folders first,
    so a folder inside another (a temp folder under $HOME, the repository under $HOME) gets its own rule.
    """
    def relative(match: re.Match[str]) -> str:
        return os.path.relpath(match.group(0), notebook_dir)

    learner = {"data": "~/.cache/ganedu", "cache": "~/.cache/ganedu", "runs": "runs"}
    shown = {str(folders[key]): name for key, name in learner.items() if key in folders}
    shown.update({str(REPO): relative, str(Path.home()): "~"})
    for folder in list(shown):
        real = os.path.realpath(folder)  # a symlinked folder shows up under its real path too
        shown.setdefault(real, shown[folder])
    rules = []
    for folder in sorted(shown, key=len, reverse=True):
        if folder in ("", "/"):
            continue
        target = shown[folder]
        pattern = re.compile(re.escape(folder) + (PATH_END if callable(target) else r"(?=[/\s'\"<>)\],;|`]|$)"))
        rules.append((pattern, target))
    return rules


def rewrite_paths(nb: nbformat.NotebookNode, rules: list[tuple[re.Pattern[str], object]]) -> int:
    """Apply ``rules`` to every text output (stream text and text/* bundles); returns how many changed."""
    def fix(text: str) -> str:
        for pattern, target in rules:
            text = pattern.sub(target, text)
        return text

    changed = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                new = fix(hygiene.text_of(out.get("text", "")))
                changed += new != hygiene.text_of(out.get("text", ""))
                out["text"] = new
            for key, value in out.get("data", {}).items():
                if key.startswith("text/") and isinstance(value, (str, list)):
                    new = fix(hygiene.text_of(value))
                    changed += new != hygiene.text_of(value)
                    out["data"][key] = new
    return changed


def claims(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """The claims ``ge.check.that`` confirmed: (cell index, line) for each printed ``✓`` line."""
    return [(index, line) for index, out in hygiene.code_outputs(nb) if out.get("output_type") == "stream"
            for line in hygiene.text_of(out.get("text", "")).splitlines() if line.startswith(CLAIM_MARK)]


# --- memory ---------------------------------------------------------------------------------------------------

def _status_kb(pid: int, field: str) -> int:
    """A ``kB`` field (``VmHWM``, ``VmRSS``) of /proc/<pid>/status; 0 when the process or the field is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid``, and theirs (from /proc/<pid>/task/*/children)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in children.read_text().split()]
        except (OSError, ValueError):
            continue
    return found + [grandchild for child in found for grandchild in _children(child)]


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of process ``pid`` plus that of its live children, in MB (10^6 bytes).

    Read from /proc (Linux); 0.0 where it cannot be read. A child that already ended is not counted.
    """
    return sum(_status_kb(p, "VmHWM") for p in [pid, *_children(pid)]) * 1024 / 1e6


def record_memory(name: str, peak_mb: float, profile: dict, path: Path = MEMORY_FILE) -> None:
    """Write (or update) ``name``'s peak memory, today's date and the build profile in ``path`` (JSON)."""
    table = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table.setdefault("notebooks", {})[name] = {"peak_mb": round(peak_mb), "date": datetime.date.today().isoformat(),
                                               "profile": dict(profile)}
    table["notebooks"] = dict(sorted(table["notebooks"].items()))
    table["about"] = ("peak resident memory (VmHWM) of each notebook's kernel and its children in MB, written by "
                      "tools/build_notebooks.py on its reference profile; Binder gives a session about 2 GB")
    path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- one notebook ---------------------------------------------------------------------------------------------

def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int, allow_errors: bool = False) -> float:
    """Run every cell in a fresh kernel started in ``cwd``; raises CellExecutionError on the first failing cell
    unless ``allow_errors`` (then errors stay in the outputs). Returns the kernel's peak memory in MB."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=_ThisEnvironment())
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(cwd)}})
    peak = [0.0]

    def measure(**_: object) -> None:  # after every cell: the children of this cell are still alive
        pid = getattr(km.provisioner, "pid", None)
        if pid:
            peak[0] = max(peak[0], peak_memory_mb(pid))

    client.on_cell_executed = measure
    try:
        client.execute()
    finally:  # nbclient leaves a kernel it was handed running: stop it, or ten notebooks keep ten kernels alive
        if km.has_kernel:
            measure()  # VmHWM just before shutdown: the kernel's peak over the whole run
            km.shutdown_kernel(now=True)
    return peak[0]


def build(path: Path, timeout: int, env: dict | None, write: bool = True) -> bool:
    """Execute (unless ``env`` is None: clean only), clean, check and, if ``write``, save one notebook.

    Returns whether the notebook passed (ran without error and keeps every hygiene rule).
    """
    nb = nbformat.read(path, as_version=4)
    launch_links.apply(nb, path.resolve())  # the shared cells, from the configured address (before running them)
    started = time.monotonic()
    peak = 0.0
    if env is not None:
        try:
            peak = execute(nb, path.parent, timeout, allow_errors=not write)
        except CellExecutionError as err:
            print(f"FAILED {path}: a cell raised an error; the file was left unchanged\n{err}", file=sys.stderr)
            return False
        nb.metadata.setdefault("ganedu", {})["build"] = dict(env["profile"])
        rewritten = rewrite_paths(nb, path_rewrites(path.parent.resolve(), env))
    else:
        rewritten = rewrite_paths(nb, path_rewrites(path.parent.resolve(), {}))
    widgets = strip_widgets(nb)
    nb.metadata["kernelspec"] = KERNELSPEC
    built = env is not None and not env["quick"]  # only a full build must show its profile
    found = [f for f in hygiene.check(nb) if built or f.rule != "build_profile"]
    minutes = (time.monotonic() - started) / 60
    for index, line in claims(nb):
        print(f"  cell {index}: {line}")
    print(f"{path}: {minutes:.1f} min, {len(claims(nb))} claim(s) checked, {widgets} widget output(s) reduced, "
          f"{rewritten} output(s) with paths rewritten, {len(found)} hygiene finding(s)"
          + (f", peak memory {peak:.0f} MB" if peak else ""))
    for finding in found:
        print(f"  {finding}", file=sys.stderr)
    if found:
        print(f"FAILED {path}: hygiene findings above; the file was left unchanged", file=sys.stderr)
        return False
    if not write:
        return True
    nbformat.validate(nb)
    nbformat.write(nb, path)
    if built and peak:
        record_memory(path.resolve().relative_to(REPO / "notebooks").with_suffix("").as_posix(), peak,
                      env["profile"])
    size = path.stat().st_size
    print(f"wrote {path}: {size / 1000:.0f} kB")
    if size > MAX_BYTES:
        print(f"WARNING {path} is over {MAX_BYTES / 1e6:.0f} MB: lower the figure dpi or show fewer images",
              file=sys.stderr)
    return True


def report_profiles() -> None:
    """After a build of all notebooks: say which ones still show another build profile than the rest."""
    books = {p: nbformat.read(p, as_version=4) for p in hygiene.notebook_paths(REPO / "notebooks")}
    reference = hygiene.reference_profile(books.values())
    for path, nb in books.items():
        for finding in hygiene.check_same_profile(nb, reference):
            print(f"{path}: {finding}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to build (or --all)")
    parser.add_argument("--all", action="store_true", help="every notebook under notebooks/ (translations too)")
    parser.add_argument("--check", action="store_true",
                        help="execute in memory and report claims, errors and hygiene findings; write nothing")
    parser.add_argument("--quick", action="store_true", help="with --check: tiny sizes (GANEDU_QUICK=1), a fast try")
    parser.add_argument("--strip-only", action="store_true", help="do not execute; only clean widgets and paths")
    parser.add_argument("--links", action="store_true", help="do not execute; only regenerate the launch, install "
                        "and shutdown cells (and README.md's badges) from pyproject.toml's Repository address")
    parser.add_argument("--allow-train", action="store_true", help="build although GANEDU_DATA has the train split")
    parser.add_argument("--jobs", type=int, default=1, choices=[1], help="notebooks at a time (1: the profile has "
                        "2 cores, and two builds at once would change what each one measures)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds one cell may run (default 1800)")
    args = parser.parse_args(argv)
    if args.links:  # every notebook unless some are named; never executes anything
        targets = args.notebooks or hygiene.notebook_paths(REPO / "notebooks")
        for changed in launch_links.update([p.resolve() for p in targets]):
            print(f"updated {changed.relative_to(REPO)}")
        return 0
    paths = hygiene.notebook_paths(REPO / "notebooks") if args.all else args.notebooks
    if not paths:
        parser.error("name the notebooks to build, or pass --all")
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        parser.error(f"not notebook files: {', '.join(missing)}")
    if args.quick and not args.check:
        parser.error("--quick builds tiny outputs that must not be committed: use it with --check")
    if args.strip_only:
        return 0 if all([build(p, args.timeout, None) for p in paths]) else 1
    problem = data_problem(os.environ.get("GANEDU_DATA"), args.allow_train)
    if problem:
        parser.error(problem)
    with reference_environment(args.quick) as env:
        print(f"reference profile: {env['profile']}, data {env['data']}, full mode: {not args.quick}")
        ok = [build(p, args.timeout, env, write=not args.check) for p in paths]
    if args.all and not args.check:
        report_profiles()
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
