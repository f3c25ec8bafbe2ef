#!/usr/bin/env bash
# The dashboard tests under Colab's widget stack: ipywidgets 7.7.1, ipykernel 6.17.1, IPython 7.34.0
# (googlecolab/backend-info pip-freeze.txt), in a separate venv that borrows torch, numpy, matplotlib, pytest and
# ganedu from the main environment instead of downloading them again.
#
#   tests/colab_env.sh [MAIN_PYTHON] [-- extra pytest args]
#
# MAIN_PYTHON (default: .venv/bin/python, else python3) is the interpreter of the main environment. The Colab
# venv lives in $GANEDU_COLAB_VENV (default /tmp/ganedu-colab-venv) and is rebuilt when its pins are missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
main_python="${1:-}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
if [ -z "$main_python" ]; then
    if [ -x .venv/bin/python ]; then main_python=.venv/bin/python; else main_python=python3; fi
fi
venv="${GANEDU_COLAB_VENV:-/tmp/ganedu-colab-venv}"
pins=(ipywidgets==7.7.1 ipykernel==6.17.1 ipython==7.34.0)

main_site="$("$main_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if ! "$venv/bin/python" -c 'import ipywidgets, ipykernel; assert ipywidgets.__version__ == "7.7.1"; assert ipykernel.__version__ == "6.17.1"' 2>/dev/null; then
    echo "colab_env: building $venv with ${pins[*]}"
    rm -rf "$venv"
    # the main interpreter's own Python: the borrowed compiled packages (torch, numpy) need the same version
    "$main_python" -m venv "$venv"
    # install BEFORE the main environment becomes visible: pip must not see (or touch) the main ipywidgets 8
    "$venv/bin/python" -m pip install -q "${pins[@]}"
fi
venv_site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# addsitedir appends the main site-packages AFTER the venv's own (so ipywidgets 7.7 / ipykernel 6.17 win) and runs
# its .pth files (the editable ganedu install among them).
echo "import site; site.addsitedir('$main_site')" > "$venv_site/zz_ganedu_main_env.pth"

"$venv/bin/python" - <<'PY'
import IPython, ipykernel, ipywidgets, torch
print(f"colab_env: ipywidgets {ipywidgets.__version__}, ipykernel {ipykernel.__version__}, "
      f"IPython {IPython.__version__}, torch {torch.__version__}")
assert ipywidgets.__version__ == "7.7.1" and ipykernel.__version__ == "6.17.1", "wrong widget stack"
PY
# nbval (a plugin of the main environment) needs the newer Jupyter stack; these tests need no notebook plugin,
# so it stays off and the nbval options of pyproject.toml's addopts are dropped
exec "$venv/bin/python" -m pytest -p no:nbval -p no:cacheprovider -o addopts=-ra -q tests/test_widgets.py "$@"
