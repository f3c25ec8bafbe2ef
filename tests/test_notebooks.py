"""Hygiene of the committed notebooks: what GitHub shows is one clean run on one reference profile.

One test per notebook per rule (rules in tools/notebook_hygiene.py, shared with tools/build_notebooks.py), plus
tests that each rule CAN fail, on small synthetic notebooks that break it once. Pure JSON reading: no kernel runs.
The usual remedy for a failure here is a rebuild: ``python tools/build_notebooks.py --all``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ganedu.messages import msg

REPO = Path(__file__).resolve().parent.parent


import notebook_hygiene as hygiene  # noqa: E402 - tools/ is on pytest's path (pyproject.toml)

NOTEBOOKS = hygiene.notebook_paths(REPO / "notebooks")
BOOKS = {p: json.loads(p.read_text(encoding="utf-8")) for p in NOTEBOOKS}
REFERENCE = hygiene.reference_profile(BOOKS.values())


def _name(path: Path) -> str:
    return str(path.relative_to(REPO / "notebooks").with_suffix(""))


def _fail_on(found: list, path: Path) -> None:
    if found:
        pytest.fail(f"{path.relative_to(REPO)}:\n" + "\n".join(f"  {f}" for f in found), pytrace=False)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 11, "the course has notebooks 00-10 under notebooks/"


@pytest.mark.parametrize("rule", sorted(hygiene.RULES))
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_rule(path: Path, rule: str):
    _fail_on(hygiene.RULES[rule](BOOKS[path]), path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_same_profile(path: Path):
    """All notebooks show the same build profile (device, torch, cores) and setup banner as most of them do."""
    _fail_on(hygiene.check_same_profile(BOOKS[path], REFERENCE), path)


# --- each rule can fail: synthetic notebooks that break it once -----------------------------------------------

BANNER = "ganedu 0.1.0 | torch 2.5.1 | device: cpu (2 cores)\n"
PROFILE = {"device": "cpu", "torch": "2.5.1", "cores": 2}


def _clean() -> nbformat.NotebookNode:
    """A small notebook that keeps every rule: a setup banner, two sections, an unanswered exercise."""
    nb = new_notebook(cells=[
        new_markdown_cell("# 99 · Test"),
        new_code_cell("import ganedu as ge\nge.setup(seed=0)", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text=BANNER)]),
        new_markdown_cell("## 1 · One\n\ntext\n\n## 2 · Two"),
        new_code_cell("", execution_count=None),  # empty cells are not executed by nbclient
        new_code_cell("answer = None\nge.exercises.check_d_star(answer)", execution_count=2,
                      outputs=[new_output("stream", name="stdout", text="write your answer\n")]),
        new_code_cell("ge.exercises.check_gp_linear(None)", execution_count=3),
        new_code_cell("x", execution_count=4, outputs=[new_output(
            "execute_result", data={"text/plain": "<IPython.core.display.Image object>", "image/gif": "R0lG",
                                    "image/png": "iVBO"}, execution_count=4)]),
    ])
    nb.metadata["ganedu"] = {"build": dict(PROFILE)}
    return nb


def _out(nb, cell: int, **fields) -> None:
    nb.cells[cell].outputs.append(new_output(**fields))


def test_clean_notebook_keeps_every_rule():
    nb = _clean()
    nbformat.validate(nb)
    assert hygiene.check(nb, hygiene.profile_key(nb)) == []


def _rules(nb) -> set[str]:
    return {f.rule for f in hygiene.check(nb, hygiene.profile_key(_clean()))}


@pytest.mark.parametrize("text", ["/work/shared/data/MNIST/raw", "/root/.cache/x", "/home/ana/ganedu/run",
                                  "/tmp/tmpab12/cache", "/Users/ana/x", "C:\\Users\\ana", "lib/site-packages/torch",
                                  "<Foo object at 0x7f3a2b1c9d00>"])
def test_machine_paths_fail(text: str):
    nb = _clean()
    _out(nb, 4, output_type="stream", name="stdout", text=f"saved to {text}\n")
    assert _rules(nb) == {"machine_paths"}
    assert hygiene.check_machine_paths(nb)[0].cell == 4


def test_machine_path_in_html_fails():
    nb = _clean()
    _out(nb, 4, output_type="display_data", data={"text/html": "<td>/home/ana/data</td>", "text/plain": "ok"})
    assert _rules(nb) == {"machine_paths"}


def test_relative_and_home_paths_pass():
    nb = _clean()
    _out(nb, 4, output_type="stream", name="stdout", text="MNIST folder ~/.cache/ganedu/MNIST/raw, runs/05\n")
    assert _rules(nb) == set()


def test_error_output_fails():
    nb = _clean()
    _out(nb, 5, output_type="error", ename="NameError", evalue="name 'dash' is not defined", traceback=["..."])
    assert _rules(nb) == {"errors"}


def test_stderr_fails():
    nb = _clean()
    _out(nb, 5, output_type="stream", name="stderr", text="step 10\n")
    assert _rules(nb) == {"stderr"}


@pytest.mark.parametrize("text", ["Warning: the MNIST train split is not available", "UserWarning: x",
                                  "DeprecationWarning: y", "FutureWarning: z", "RuntimeWarning: overflow"])
def test_warning_text_fails(text: str):
    nb = _clean()
    _out(nb, 5, output_type="stream", name="stdout", text=text + "\n")
    assert _rules(nb) == {"warnings"}


@pytest.mark.parametrize("text", ["VBox(children=(Label(value='a'),))", "HBox(children=())",
                                  "interactive(children=(FloatSlider(value=0.5),))", "IntSlider(value=1)",
                                  "FloatSlider(value=1.0)", "Output()", "Button(description='go')",
                                  "Dropdown(options=('a',))", "Tab(children=())"])
def test_widget_repr_fails(text: str):
    nb = _clean()
    _out(nb, 5, output_type="display_data", data={"text/plain": text})
    assert _rules(nb) == {"widget_reprs"}


def test_unrendered_widget_view_fails_and_placeholder_passes():
    nb = _clean()
    _out(nb, 5, output_type="display_data", data={hygiene.WIDGET_VIEW: {"model_id": "abc"},
                                                  "text/plain": msg("build_widget_placeholder")})
    assert _rules(nb) == {"widget_reprs"}
    nb.cells[5].outputs[0].data.pop(hygiene.WIDGET_VIEW)
    assert _rules(nb) == set()


def test_image_without_png_still_fails():
    nb = _clean()
    nb.cells[6].outputs[0].data.pop("image/png")
    assert _rules(nb) == {"image_stills"}


def test_animation_without_a_png_still_beside_it_fails():
    nb = _clean()
    _out(nb, 5, output_type="display_data", data={"image/gif": "R0lG", "text/plain": "an animation"})
    assert _rules(nb) == {"image_stills"}
    _out(nb, 5, output_type="display_data", data={"image/png": "iVBO", "text/plain": "its frames"})  # Recorder.show
    assert _rules(nb) == set()


def test_unexecuted_cell_fails():
    nb = _clean()
    nb.cells[5].execution_count = None
    found = hygiene.check_execution(nb)
    assert [f.cell for f in found] == [5]  # in one run the counts go on: cell 6 still holds 4
    assert _rules(nb) == {"execution"}


def test_out_of_order_counts_fail():
    nb = _clean()
    nb.cells[4].execution_count, nb.cells[5].execution_count = 3, 2
    assert [f.cell for f in hygiene.check_execution(nb)] == [4, 5]


def test_counts_of_a_second_run_fail():
    nb = _clean()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count += 10
    assert len(hygiene.check_execution(nb)) == 4


def test_duplicate_section_number_fails():
    nb = _clean()
    nb.cells.append(new_markdown_cell("## 2. Check yourself"))
    found = hygiene.check_section_numbers(nb)
    assert [(f.rule, f.cell) for f in found] == [("section_numbers", 7)]


def test_distinct_section_numbers_pass():
    nb = _clean()
    nb.cells.append(new_markdown_cell("## 2b · More\n\n### 1 · A subsection\n\n## Summary"))
    assert hygiene.check_section_numbers(nb) == []


@pytest.mark.parametrize("source", ["ge.exercises.check_d_star(0.5)",
                                    "answer = 0.5\nge.exercises.check_d_star(answer)",
                                    "def rate(a, b):\n    return a + b\n\nge.exercises.check_loader_bound(rate)",
                                    "ge.exercises.check_host_syncs({'loss.item()'})",
                                    "ge.exercises.check_d_star(answer=0.5)"])
def test_answered_exercise_fails(source: str):
    nb = _clean()
    nb.cells.append(new_code_cell(source, execution_count=5))
    assert _rules(nb) == {"exercise_answers"}


def test_variable_answered_in_an_earlier_cell_fails():
    nb = _clean()
    nb.cells[4].source = "answer = None\nanswer = 0.5"
    nb.cells.append(new_code_cell("ge.exercises.check_d_star(answer)", execution_count=5))
    assert _rules(nb) == {"exercise_answers"}


def test_widget_state_fails():
    nb = _clean()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    assert _rules(nb) == {"widget_state"}


def test_missing_build_profile_fails():
    nb = _clean()
    del nb.metadata["ganedu"]
    assert "build_profile" in _rules(nb)


def test_banner_that_disagrees_with_the_profile_fails():
    nb = _clean()
    nb.cells[1].outputs[0].text = "ganedu 0.1.0 | torch 2.5.1 | device: cuda (NVIDIA H100)\n"
    assert "build_profile" in {f.rule for f in hygiene.check_build_profile(nb)}


def test_quick_mode_build_fails():
    nb = _clean()
    nb.cells[1].outputs[0].text = BANNER.rstrip() + " | quick mode (GANEDU_QUICK): tiny sizes\n"
    assert _rules(nb) == {"build_profile"}


def test_banner_is_parsed():
    assert hygiene.banners(_clean()) == [(1, {"version": "0.1.0", "torch": "2.5.1", "device": "cpu (2 cores)"})]


def test_other_device_than_most_notebooks_fails():
    cpu, gpu = _clean(), _clean()
    gpu.cells[1].outputs[0].text = "ganedu 0.1.0 | torch 2.5.1 | device: cuda (NVIDIA H100)\n"
    gpu.metadata["ganedu"]["build"]["device"] = "cuda"
    reference = hygiene.reference_profile([cpu, cpu, gpu])
    assert reference == hygiene.profile_key(cpu)
    assert hygiene.check_same_profile(cpu, reference) == []
    assert [f.rule for f in hygiene.check_same_profile(gpu, reference)] == ["same_profile"]


def test_a_notebook_without_a_banner_is_compared_on_its_recorded_profile():
    lesson, app = _clean(), _clean()
    app.cells[1].outputs = []  # an app shows no setup banner
    reference = hygiene.reference_profile([lesson, lesson, app])
    assert hygiene.check_same_profile(app, reference) == []
    app.metadata["ganedu"]["build"]["cores"] = 16
    assert [f.rule for f in hygiene.check_same_profile(app, reference)] == ["same_profile"]


def test_other_cores_than_most_notebooks_fail():
    one, other = _clean(), _clean()
    other.metadata["ganedu"]["build"]["cores"] = 16
    assert hygiene.check_same_profile(other, hygiene.reference_profile([one, one, other]))


# --- the build tool: reference data folder, path rewriting, widget placeholder -----------------------------------

@pytest.fixture(scope="module")
def builder():
    pytest.importorskip("nbclient")
    import build_notebooks

    return build_notebooks


def _fake_split(root: Path, *prefixes: str) -> Path:
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix in prefixes:
        for kind in ("images-idx3", "labels-idx1"):
            (raw / f"{prefix}-{kind}-ubyte.gz").write_bytes(b"")  # available() looks at names only
    return root


def test_build_refuses_data_without_test_split_or_with_train_split(builder, tmp_path):
    assert "not set" in builder.data_problem(None, allow_train=False)
    assert "no MNIST test split" in builder.data_problem(str(tmp_path), allow_train=False)
    only_test = _fake_split(tmp_path / "a", "t10k")
    assert builder.data_problem(str(only_test), allow_train=False) is None
    both = _fake_split(tmp_path / "b", "t10k", "train")
    assert "--allow-train" in builder.data_problem(str(both), allow_train=False)
    assert builder.data_problem(str(both), allow_train=True) is None


def test_build_rewrites_the_builders_paths(builder, tmp_path):
    folders = {"data": tmp_path / "data", "cache": tmp_path / "build" / "cache", "runs": tmp_path / "build" / "runs"}
    nb = _clean()
    text = (f"MNIST folder {folders['data']}/MNIST/raw\ncached in {folders['cache']}/classifier.pt\n"
            f"saved to {folders['runs']}/05/ckpt.pt\nrepo {REPO}/notebooks/runs/x.pt\nhome {Path.home()}/y\n")
    _out(nb, 4, output_type="stream", name="stdout", text=text)
    _out(nb, 5, output_type="display_data", data={"text/html": f"<td>{folders['data']}/MNIST/raw</td>",
                                                  "text/plain": "table"})
    assert hygiene.check_machine_paths(nb)
    changed = builder.rewrite_paths(nb, builder.path_rewrites(REPO / "notebooks", folders))
    assert changed == 2
    assert nb.cells[4].outputs[1].text == ("MNIST folder ~/.cache/ganedu/MNIST/raw\n"
                                           "cached in ~/.cache/ganedu/classifier.pt\nsaved to runs/05/ckpt.pt\n"
                                           "repo runs/x.pt\nhome ~/y\n")
    assert nb.cells[5].outputs[0].data["text/html"] == "<td>~/.cache/ganedu/MNIST/raw</td>"


def test_build_reduces_widgets_to_the_placeholder(builder):
    nb = _clean()
    nb.metadata["widgets"] = {"state": {}}
    _out(nb, 5, output_type="display_data", data={builder.WIDGET_VIEW: {"model_id": "a"},
                                                  "text/plain": "VBox(children=(IntSlider(value=1),))"})
    assert {"widget_state", "widget_reprs"} <= _rules(nb)
    assert builder.strip_widgets(nb) == 1
    assert _rules(nb) == set()
    assert nb.cells[5].outputs[0].data == {"text/plain": msg("build_widget_placeholder")}
    _out(nb, 5, output_type="display_data", data={"text/plain": "HBox(children=(Button(description='step D'),))"})
    assert builder.strip_widgets(nb) == 1  # a repr stored without its widget view (an older build) too
    assert _rules(nb) == set()


def test_translated_banner_is_parsed():
    nb = _clean()
    nb.cells[1].outputs[0].text = "ganedu 0.1.0 | torch 2.5.1 | 设备: cpu (2 cores) | 快速模式\n"
    assert hygiene.banners(nb) == [(1, {"version": "0.1.0", "torch": "2.5.1", "device": "cpu (2 cores)"})]


# --- the build tool: shared cells, kernel memory ----------------------------------------------------------------

needs_proc = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc (Linux)")


def test_build_applies_the_shared_cells(builder, tmp_path):
    nb = _clean()
    nb.cells[0].source = "# 99 · Test\n\n[![Binder](https://mybinder.org/badge_logo.svg)](https://x)\n\nHello."
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count += 1
    nb.cells.insert(1, new_code_cell('import sys\nif "google.colab" in sys.modules:\n    %pip install -q ganedu',
                                     execution_count=1))  # the install cell of a notebook built before the roles
    path = tmp_path / "99_test.ipynb"
    nbformat.write(nb, path)
    assert builder.build(path, timeout=60, env=None)  # clean only: no kernel
    roles = [c.metadata.get("ganedu", {}).get("role") for c in nbformat.read(path, as_version=4).cells]
    assert roles[1:3] == ["launch", "install"] and roles[-1] == "shutdown"


@needs_proc
def test_peak_memory_of_this_process_and_a_child(builder):
    import os
    import resource
    import subprocess

    own = builder._status_kb(os.getpid(), "VmHWM")
    assert own == pytest.approx(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rel=0.05)  # both in kB
    child = subprocess.Popen([sys.executable, "-c", "import sys, time; b = bytearray(50_000_000); time.sleep(30)"])
    try:
        for _ in range(200):  # until the child holds its 50 MB
            if builder._status_kb(child.pid, "VmHWM") > 50_000:
                break
            import time
            time.sleep(0.05)
        mine, theirs = builder._status_kb(os.getpid(), "VmHWM"), builder._status_kb(child.pid, "VmHWM")
        assert theirs > 50_000
        assert builder.peak_memory_mb(os.getpid()) == pytest.approx((mine + theirs) * 1024 / 1e6, rel=0.01)
    finally:
        child.kill()
        child.wait()
    assert builder.peak_memory_mb(2**22 + 12345) == 0.0  # no such process


def test_memory_table_is_written_and_updated(builder, tmp_path):
    table = tmp_path / "memory.json"
    profile = {"device": "cpu", "torch": "2.5.1", "cores": 2}
    builder.record_memory("05_mnist_gan", 912.4, profile, table)
    builder.record_memory("00_start_here", 400.0, profile, table)
    builder.record_memory("05_mnist_gan", 950.0, profile, table)
    rows = json.loads(table.read_text())["notebooks"]
    assert list(rows) == ["00_start_here", "05_mnist_gan"]
    assert rows["05_mnist_gan"]["peak_mb"] == 950 and rows["05_mnist_gan"]["profile"] == profile
    assert len(rows["05_mnist_gan"]["date"]) == 10  # YYYY-MM-DD


def test_a_chinese_notebook_has_the_same_profile_as_an_english_one():
    english, chinese = _clean(), _clean()
    chinese.cells[1].outputs[0].text = "ganedu 0.1.0 | torch 2.5.1 | 设备: cpu (2 核)\n"
    assert hygiene.profile_key(chinese) == hygiene.profile_key(english)
    other = _clean()
    other.cells[1].outputs[0].text = "ganedu 0.1.0 | torch 2.5.1 | 设备: cpu (4 核)\n"
    assert hygiene.profile_key(other) != hygiene.profile_key(english)


def test_a_chinese_quick_mode_build_and_warning_fail():
    nb = _clean()
    nb.cells[1].outputs[0].text = msg("banner", version="0.1.0", torch="2.5.1", device="cpu (2 cores)",
                                      extra=" | 快速模式 (GANEDU_QUICK)：规模极小") + "\n"
    assert _rules(nb) == {"build_profile"}
    nb = _clean()
    _out(nb, 5, output_type="stream", name="stdout", text="警告：无法写入分类器缓存\n")
    assert _rules(nb) == {"warnings"}


def test_a_translation_gets_the_placeholder_in_its_language(builder):
    from ganedu.messages import ZH

    nb = _clean()
    nb.metadata["ganedu"]["lang"] = "zh"
    _out(nb, 5, output_type="display_data", data={builder.WIDGET_VIEW: {"model_id": "a"}, "text/plain": "VBox()"})
    assert builder.strip_widgets(nb) == 1
    assert nb.cells[5].outputs[0].data == {"text/plain": ZH["build_widget_placeholder"]}
