"""Execute course notebooks in place, in full mode, so the committed files carry their figures for GitHub.

    python tools/build_notebooks.py notebooks/05_mnist_gan.ipynb [more.ipynb ...] [--quick] [--strip-only]

Each notebook runs top to bottom in a fresh kernel of *this* Python environment, with ``GANEDU_QUICK`` removed
(full sizes; ``--quick`` keeps tiny ones for a fast try) and ``GANEDU_DATA`` passed through. Afterwards:

- saved widget state (``metadata.widgets``) is removed: GitHub shows no live widgets and rejects incomplete state;
- an output that is a widget view keeps only its ``text/plain`` fallback; images and text are kept;
- a notebook with an error output is not written; one over 1 MB gets a warning.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_FALLBACK = "(an interactive widget: run the notebook to use it)"
MAX_BYTES = 1_000_000  # GitHub renders large notebooks slowly or not at all; figures at modest dpi stay well under
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class _ThisEnvironment(KernelSpecManager):
    """Resolve "python3" to this interpreter, whatever kernels are installed elsewhere (like nbval's current-env)."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name == "python3":
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


def strip_widgets(nb: nbformat.NotebookNode) -> int:
    """Remove saved widget state and reduce widget-view outputs to text; returns how many outputs changed."""
    nb.metadata.pop("widgets", None)
    changed = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            bundle = out.get("data", {})
            if WIDGET_VIEW in bundle:
                out["data"] = {"text/plain": WIDGET_FALLBACK}  # a widget repr like "VBox(children=..." reads badly
                out.get("metadata", {}).pop(WIDGET_VIEW, None)
                changed += 1
    return changed


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int) -> None:
    """Run every cell in a fresh kernel started in ``cwd``; raises CellExecutionError on the first failing cell."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=_ThisEnvironment())
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()


def build(path: Path, timeout: int, run: bool = True) -> bool:
    """Execute (unless ``run`` is False), clean and write one notebook; returns False if it was not written."""
    nb = nbformat.read(path, as_version=4)
    if run:
        try:
            execute(nb, path.parent, timeout)
        except CellExecutionError as err:
            print(f"FAILED {path}: a cell raised an error; the file was left unchanged\n{err}", file=sys.stderr)
            return False
    widgets = strip_widgets(nb)
    nb.metadata["kernelspec"] = KERNELSPEC
    errors = [c for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        print(f"FAILED {path}: {len(errors)} cell(s) hold error outputs; the file was left unchanged", file=sys.stderr)
        return False
    nbformat.validate(nb)
    nbformat.write(nb, path)
    size = path.stat().st_size
    stderr = sum(o.get("name") == "stderr" for c in nb.cells for o in c.get("outputs", []))
    print(f"wrote {path}: {size / 1000:.0f} kB, {widgets} widget output(s) reduced to text, {stderr} stderr output(s)")
    if size > MAX_BYTES:
        print(f"WARNING {path} is over {MAX_BYTES / 1e6:.0f} MB: lower the figure dpi or show fewer images",
              file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks to execute in place")
    parser.add_argument("--quick", action="store_true", help="keep GANEDU_QUICK=1 (tiny sizes) for a fast try")
    parser.add_argument("--strip-only", action="store_true", help="do not execute; only remove widget state")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds one cell may run (default 1200)")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        parser.error(f"not notebook files: {', '.join(missing)}")
    if args.quick:
        os.environ["GANEDU_QUICK"] = "1"
    else:
        os.environ.pop("GANEDU_QUICK", None)  # the kernel inherits this process's environment
    if not os.environ.get("GANEDU_DATA"):
        print("note: GANEDU_DATA is not set; notebooks look for MNIST in the user cache", file=sys.stderr)
    ok = [build(p, args.timeout, run=not args.strip_only) for p in args.notebooks]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
