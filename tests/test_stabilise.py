"""ganedu.lessons.stabilise: recipes, the runner, tables and the recorded results."""

import json
import math

import pytest
import torch

from ganedu import losses, metrics, models, stabilise

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py: tiny nets run on one thread


# --- recipes and the runner ----------------------------------------------------------------------------------------


def test_recipe_lookup_and_errors():
    assert stabilise.recipe("R1").penalty == "r1"
    assert stabilise.recipe("R1", weight=1.0).weight == 1.0
    with pytest.raises(ValueError, match="unknown recipe 'nope'"):
        stabilise.recipe("nope")
    with pytest.raises(ValueError, match="unknown problem"):
        stabilise.run_recipe("baseline", "cifar")
    with pytest.raises(ValueError, match="unknown penalty"):
        stabilise.penalty_fn(stabilise.Recipe("x", penalty="l2"))
    with pytest.raises(ValueError, match="discriminator loss"):
        stabilise.build_trainer(stabilise.Recipe("x", d_loss="kl"))


def test_build_trainer_applies_the_recipe():
    p = stabilise.PROBLEMS["ring"]
    t, _ = stabilise.build_trainer("WGAN-GP", "ring", seed=0)
    assert t.k == 5 and t.loss == "wasserstein" and t.config.betas == (0.0, 0.9)
    assert t.d_loss_fn is losses.d_loss_wasserstein and t.d_penalty is losses.gradient_penalty
    assert t.lr_d == pytest.approx(p.lr) and t.lr_g == pytest.approx(p.g_speedup * p.lr)
    t, _ = stabilise.build_trainer("TTUR", "ring")
    assert t.lr_d == pytest.approx(4 * t.lr_g)
    t, _ = stabilise.build_trainer("spectral norm", "ring")
    assert any(hasattr(m, "parametrizations") for m in t.D.modules())
    t, _ = stabilise.build_trainer(stabilise.recipe("R1", weight=2.5), "ring")
    assert t.d_penalty.keywords == {"gamma": 2.5}


def test_every_recipe_runs_on_the_ring_at_tiny_size():
    before = torch.get_rng_state()
    outcomes = stabilise.compare_recipes(problem="ring", seeds=(0,), steps=3)
    assert torch.equal(before, torch.get_rng_state())  # the caller's random state is left alone
    assert [o.recipe for o in outcomes] == list(stabilise.RECIPES)
    for o in outcomes:
        assert o.steps == 3 and 0 <= o.metrics["modes"] <= 8 and len(o.samples) == 400
        assert o.trajectory[-1][0] == 3
    json.dumps([o.to_dict() for o in outcomes])  # the benchmark stores them as JSON


def test_same_seed_same_outcome_and_ema_is_measured():
    a = stabilise.run_recipe("WGAN-GP", "ring", seed=1, steps=4)
    b = stabilise.run_recipe("WGAN-GP", "ring", seed=1, steps=4)
    assert a.metrics == b.metrics and a.samples == b.samples
    base = stabilise.watch_recipe("baseline", "ring", seed=1, steps=4)
    avg = stabilise.watch_recipe("EMA of G", "ring", seed=1, steps=4)
    # the average only watches G: both runs train the very same G ...
    for p_base, p_avg in zip(base.trainer.G.parameters(), avg.trainer.G.parameters()):
        assert torch.equal(p_base, p_avg)
    assert base.ema is None and avg.ema.updates == 4 and avg.generator is avg.ema.generator
    # ... but the EMA run records the averaged generator's samples, the baseline the live one's
    n = stabilise.PROBLEMS["ring"].n_eval

    def points(G):
        return [[round(float(a), 3), round(float(b), 3)] for a, b in models.sample(G, n)[:400].tolist()]

    assert base.outcome.samples == points(base.trainer.G)
    assert avg.outcome.samples == points(avg.ema.generator) != points(avg.trainer.G)


def test_measurements_follow_every_and_bad_budgets_are_explained():
    run = stabilise.watch_recipe("baseline", "ring", seed=0, steps=5, every=2)
    assert [row[0] for row in run.outcome.trajectory] == [2, 4, 5]  # every 2 steps, and at the end
    assert [step for step, _ in run.snapshots] == [2, 4, 5]
    for bad in ({"steps": -1}, {"steps": 3, "every": 0}, {"steps": 3, "every": 1.5}, {"steps": 3, "every": True}):
        with pytest.raises(ValueError, match="positive whole number"):
            stabilise.watch_recipe("baseline", "ring", seed=0, **bad)


def test_mnist_runs_compare_with_the_digits_the_classifier_never_saw(monkeypatch):
    seen = {}
    held = torch.rand(64, 1, 28, 28) * 2 - 1

    def fake_held_out(clf=None, root=None):
        seen["asked"] = True
        return held, torch.zeros(64, dtype=torch.long)

    monkeypatch.setattr(metrics, "held_out", fake_held_out)
    monkeypatch.setattr(stabilise, "_mnist_digits", lambda: torch.rand(96, 1, 28, 28) * 2 - 1)
    run = stabilise.watch_recipe("baseline", "mnist", seed=0, steps=2, clf=metrics.Classifier())
    # the metrics' reference is the held-out set, not the generator's training digits
    assert seen == {"asked": True} and run.outcome.metrics["n"] > 0
    with monkeypatch.context() as m:  # explicit data: that data is the reference, held_out is not asked
        seen.clear()
        m.setattr(metrics, "held_out", lambda *a, **k: pytest.fail("held_out must not be used with data="))
        stabilise.watch_recipe("baseline", "mnist", seed=0, steps=2, clf=metrics.Classifier(), data=held)


@pytest.mark.parametrize("name", ["baseline", "WGAN-GP", "spectral norm", "EMA of G"])
def test_recipes_run_on_mnist_sized_data(name):
    x = torch.rand(120, 1, 28, 28) * 2 - 1  # digit-shaped noise: the code paths, not the quality
    clf = metrics.Classifier()  # untrained: the metrics only need some classifier
    o = stabilise.run_recipe(name, "mnist", seed=0, steps=2, data=x, clf=clf)
    assert o.steps == 2 and o.problem == "mnist"
    assert set(o.metrics) >= {"fd", "fd_real_floor", "coverage", "confidence", "precision", "recall"}
    assert o.trajectory[-1][0] == 2 and len(o.trajectory[-1]) == 3


def test_summarize_and_table_from_hand_made_outcomes():
    def out(name, seed, modes, hq):
        return {"recipe": name, "problem": "ring", "seed": seed, "seconds": 2.0, "status": None,
                "metrics": {"modes": modes, "high_quality": hq}}

    rows = stabilise.summarize([out("a", 0, 8, 0.5), out("a", 1, 6, 0.3), out("b", 0, 1, 0.1)])
    assert [r["recipe"] for r in rows] == ["a", "b"]
    assert rows[0]["modes"] == pytest.approx(7.0) and rows[0]["modes_per_seed"] == [8, 6]
    assert rows[0]["high_quality"] == pytest.approx(0.4)
    t = stabilise.table([out("a", 0, 8, 0.5), out("a", 1, 6, 0.3)], "ring", note="n")
    assert "7.0 (8, 6)" in str(t) and "<table>" in t._repr_html_() and "40%" in str(t)


def test_summarize_ignores_missing_values():
    o = {"recipe": "x", "problem": "mnist", "seed": 0, "seconds": 1.0, "status": "diverged",
         "metrics": {"fd": None, "coverage": 0}}
    row = stabilise.summarize([o])[0]
    assert row["fd"] is None and row["coverage"] == 0 and row["diverged"] == 1
    assert math.isnan(float("nan")) and "n/a" in str(stabilise.Table([row], "mnist"))


def test_recorded_results_load():
    res = stabilise.load_results()
    assert {"command", "date", "device", "outcomes"} <= set(res)
    problems = {o["problem"] for o in res["outcomes"]}
    assert "ring" in problems
    names = {o["recipe"] for o in res["outcomes"]}
    assert set(stabilise.RECIPES) <= names


def test_missing_results_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks/stabilise.py"):
        stabilise.load_results(tmp_path / "none.json")  # an explicit path is never downloaded


def test_grid_image_and_curve_of_a_recorded_outcome():
    res = stabilise.load_results()
    mnist = [o for o in res["outcomes"] if o["problem"] == "mnist"]
    if not mnist:
        pytest.skip("the recorded file holds no MNIST runs")
    pic = stabilise.grid_image(mnist[0])
    assert pic.dtype.name == "uint8" and pic.ndim == 2 and pic.shape[1] > pic.shape[0]  # 4 rows of 8 digits
    steps, cov = stabilise.curve(mnist[0], "coverage")
    assert steps[-1] == mnist[0]["steps"] and all(0 <= c <= 10 for c in cov)
    with pytest.raises(ValueError, match="holds fd, coverage"):
        stabilise.curve(mnist[0], "modes")
