"""The package's layers (docs/ARCHITECTURE.md): core at the bottom, lessons and the interface above it.

Every import of every module is read from its source (top level and inside functions, relative and absolute,
``importlib.import_module("ganedu...")`` too) and checked against the rules below.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import ganedu

PACKAGE = Path(ganedu.__file__).parent


def _layer(module: str) -> str:
    """'core', 'lessons', 'interface' or 'package' (ganedu itself and ganedu.__main__) for a ganedu module name."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return "package"
    return parts[1] if parts[1] in ("lessons", "interface") else "core"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(module: str, path: Path) -> set[str]:
    """Every ganedu module that ``module`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("ganedu"):
                continue
            for alias in node.names:  # "from . import toy" names a module; "from .train import Trainer" does not
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("ganedu"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and str(first.value).startswith("ganedu"):
                found.add(first.value)
    return {m for m in found if m != module}


MODULES = _modules()
# What each layer may import. The core is the library itself; lessons may use the shared figures of
# interface.plot; interface.plot alone looks up lesson figures by name, lazily, so that ge.plot.X keeps working.
ALLOWED = {
    "core": {"core", "package"},
    "lessons": {"core", "lessons", "package", "ganedu.interface.plot"},
    "interface": {"core", "interface", "package"},
}
EXCEPTIONS = {"ganedu.interface.plot": {"lessons"}}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) != "package"))
def test_module_imports_only_from_its_layer_or_below(module: str) -> None:
    layer = _layer(module)
    allowed = ALLOWED[layer] | EXCEPTIONS.get(module, set())
    bad = sorted(m for m in imports_of(module, MODULES[module])
                 if _layer(m) not in allowed and m not in allowed and m != "ganedu")
    assert not bad, f"{module} ({layer}) imports {bad}: see the layer rules in docs/ARCHITECTURE.md"


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    src = tmp_path / "mod.py"
    src.write_text("def f():\n    from ..lessons import toy\n    from ..train import Trainer\n"
                   "import importlib\nimportlib.import_module('ganedu.interface.widgets')\n")
    assert imports_of("ganedu.interface.mod", src) == {"ganedu.lessons.toy", "ganedu.train", "ganedu.interface.widgets"}


def test_every_module_is_reachable_from_the_package() -> None:
    public = {name: target for name, target in ganedu._SUBMODULES.items()}
    on_disk = {m.name for m in pkgutil.walk_packages(ganedu.__path__, "ganedu.")
               if not m.ispkg and not m.name.rsplit(".", 1)[-1].startswith("_")}
    reachable = {f"ganedu.{target}" for target in public.values()}
    missing = sorted(on_disk - reachable - _helpers())
    assert not missing, f"add to ganedu._SUBMODULES: {missing}"
    for name, target in public.items():
        assert getattr(ganedu, name) is importlib.import_module(f"ganedu.{target}")


def _helpers() -> set[str]:
    """Modules that are parts of another one (e.g. the trainer's speed machinery), not lessons' entry points."""
    return {m for m in MODULES if not m.rsplit(".", 1)[-1].startswith("_")
            and getattr(importlib.import_module(m), "__internal__", False)}
