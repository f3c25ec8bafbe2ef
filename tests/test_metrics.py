"""ganedu.metrics on constructed cases whose answers are known.

Oracles: closed forms of the Fréchet distance (shifts, commuting and 2x2 covariances, 1D), hand-computed
Inception-like scores and k-NN radii, and data built to be right or wrong on purpose: identical sets, one-class
collapse, noise, exact and noisy copies of training digits. The classifier is trained once per module on 8,000
test digits for 2 epochs (a few seconds); the math tests use constructed features and need no classifier. Tests that
need digits skip where no local MNIST test split exists (the ``mnist_test`` fixture).
"""

from __future__ import annotations

import math
import os
import stat
import warnings

import pytest
import torch

from ganedu import data
from ganedu import metrics as M


def t64(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def rotation(d: int, seed: int = 0) -> torch.Tensor:
    """A random orthogonal (d, d) matrix, float64."""
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))
    return q


def with_moments(n: int, mean: torch.Tensor, cov_sqrt: torch.Tensor, seed: int) -> torch.Tensor:
    """n points whose *sample* mean is exactly ``mean`` and sample covariance exactly cov_sqrt @ cov_sqrt.T.

    Whitening a random draw makes its sample moments exactly 0 and I, so the closed forms below apply to the
    finite set itself, not only in expectation.
    """
    d = mean.shape[0]
    z = torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    z = z - z.mean(dim=0)
    c = z.T @ z / (n - 1)
    z = z @ torch.linalg.inv(torch.linalg.cholesky(c)).T  # sample covariance exactly I now
    return z @ cov_sqrt.T + mean


# --- Fréchet distance ------------------------------------------------------------------------------------------


def test_fd_of_identical_sets_is_zero():
    x = torch.randn(500, 16, generator=torch.Generator().manual_seed(0))
    assert M.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-9)


def test_fd_of_a_shift_is_the_squared_shift():
    x = torch.randn(400, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    c = torch.arange(8, dtype=torch.float64) / 4
    assert M.frechet_distance(x, x + c) == pytest.approx(float(c.square().sum()), rel=1e-9)


def test_fd_diagonal_gaussians_closed_form():
    a, b = t64(1.0, 4.0, 0.25, 2.0), t64(9.0, 1.0, 1.0, 2.0)
    mu_a, mu_b = t64(0.0, 1.0, -1.0, 2.0), torch.zeros(4, dtype=torch.float64)
    xa = with_moments(300, mu_a, torch.diag(a.sqrt()), seed=2)
    xb = with_moments(200, mu_b, torch.diag(b.sqrt()), seed=3)
    expected = float((mu_a - mu_b).square().sum() + (a.sqrt() - b.sqrt()).square().sum())  # = 6 + 5.25
    assert M.frechet_distance(xa, xb) == pytest.approx(expected, rel=1e-9)


def test_fd_commuting_covariances_in_a_rotated_basis():
    q = rotation(6, seed=4)  # same eigenvectors, so Tr((Σa Σb)^½) = Σ sqrt(a_i b_i)
    a, b = torch.linspace(0.5, 3.0, 6, dtype=torch.float64), torch.linspace(2.0, 0.1, 6, dtype=torch.float64)
    xa = with_moments(400, torch.zeros(6, dtype=torch.float64), q @ torch.diag(a.sqrt()), seed=5)
    xb = with_moments(400, torch.ones(6, dtype=torch.float64), q @ torch.diag(b.sqrt()), seed=6)
    expected = 6.0 + float((a.sqrt() - b.sqrt()).square().sum())
    assert M.frechet_distance(xa, xb) == pytest.approx(expected, rel=1e-9)


def test_fd_non_commuting_2x2_against_the_trace_formula():
    # For 2x2 PSD A, B: Tr((AB)^½) = sqrt(Tr(AB) + 2 sqrt(det A det B)) (sum of the roots of AB's two eigenvalues)
    la, lb = torch.stack([t64(2.0, 0.0), t64(1.0, 1.0)]), torch.stack([t64(1.0, 0.0), t64(-0.5, 0.7)])
    A, B = la @ la.T, lb @ lb.T
    xa = with_moments(300, torch.zeros(2, dtype=torch.float64), la, seed=7)
    xb = with_moments(300, torch.zeros(2, dtype=torch.float64), lb, seed=8)
    tr_sqrt = math.sqrt(float((A @ B).trace()) + 2 * math.sqrt(float(A.det() * B.det())))
    expected = float(A.trace() + B.trace()) - 2 * tr_sqrt
    assert M.frechet_distance(xa, xb) == pytest.approx(expected, rel=1e-9)
    assert M.frechet_distance(xb, xa) == pytest.approx(expected, rel=1e-9)  # symmetric


def test_fd_in_1d_is_mean_gap_plus_std_gap_squared():
    xa = with_moments(100, t64(1.0), t64(2.0).view(1, 1), seed=9)
    xb = with_moments(50, t64(-1.0), t64(0.5).view(1, 1), seed=10)
    assert M.frechet_distance(xa, xb) == pytest.approx(2.0**2 + 1.5**2, rel=1e-9)


def test_fd_handles_singular_covariances():
    x = torch.randn(300, 3, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    xa = torch.cat([x, torch.zeros(300, 5, dtype=torch.float64)], dim=1)  # 5 dead dimensions, rank 3 of 8
    assert M.frechet_distance(xa, xa + 1.0) == pytest.approx(8.0, rel=1e-9)
    assert math.isfinite(M.frechet_distance(xa, torch.randn(300, 8, dtype=torch.float64)))


def test_fd_bias_shrinks_like_one_over_n():
    # Two samples of n points from N(0, I_d): FD(inf) = 0, and to leading order in 1/n
    # E||m_a - m_b||^2 = 2d/n (exact) and E Tr(Sa + Sb - 2(Sa Sb)^1/2) = E||Sa - Sb||_F^2 / 4 = (d^2 + d) / (2n)
    # (Var of a sample covariance entry: 2/n on the diagonal, 1/n off it), so E[FD(n)] = d(d + 5) / (2n).
    d, reps = 4, 400
    g = torch.Generator().manual_seed(0)
    bias = {}
    for n in (100, 400):
        fds = [M.frechet_distance(torch.randn(n, d, generator=g, dtype=torch.float64),
                                  torch.randn(n, d, generator=g, dtype=torch.float64)) for _ in range(reps)]
        bias[n] = sum(fds) / reps
        assert n * bias[n] == pytest.approx(d * (d + 5) / 2, rel=0.1)  # n x bias is the same constant
    assert bias[100] / bias[400] == pytest.approx(4.0, rel=0.15)  # 4x the points, a quarter of the bias


def test_fd_from_stats_equals_fd_and_checks_inputs():
    g = torch.Generator().manual_seed(12)
    x, y = torch.randn(200, 5, generator=g), torch.randn(300, 5, generator=g) * 2
    assert M.frechet_from_stats(M.gaussian_stats(x), M.gaussian_stats(y)) == M.frechet_distance(x, y)
    with pytest.raises(ValueError, match="different widths"):
        M.frechet_distance(x, torch.randn(10, 4))
    with pytest.raises(ValueError, match="2D array"):
        M.frechet_distance(x[0], x)
    with pytest.raises(ValueError, match="at least 2"):
        M.frechet_distance(x[:1], x)


# --- kernel distance (KID) -------------------------------------------------------------------------------------


def kid_by_loops(a: list[list[float]], b: list[list[float]]) -> float:
    """The unbiased MMD² of Bińkowski et al. 2018 written out in plain Python: k(x, y) = (x·y/d + 1)^3,
    the terms i = j left out of the two within-set sums."""
    d = len(a[0])

    def k(x, y):
        return (sum(xi * yi for xi, yi in zip(x, y)) / d + 1) ** 3

    m, n = len(a), len(b)
    aa = sum(k(a[i], a[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    bb = sum(k(b[i], b[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    ab = sum(k(x, y) for x in a for y in b) / (m * n)
    return aa + bb - 2 * ab


def test_kid_is_the_unbiased_mmd_of_the_definition():
    g = torch.Generator().manual_seed(20)
    a, b = torch.randn(5, 3, generator=g, dtype=torch.float64), 1 + torch.randn(4, 3, generator=g, dtype=torch.float64)
    assert M.kid(a, b) == pytest.approx(kid_by_loops(a.tolist(), b.tolist()), rel=1e-12)
    assert M.kid(a, b) == pytest.approx(M.kid(b, a), rel=1e-12)  # symmetric
    # chunked kernel sums (chunk smaller than the set) give the same numbers
    assert M._kernel_sum(a, a, skip_diagonal=True, chunk=2) == pytest.approx(M._kernel_sum(a, a, True), rel=1e-12)
    # with the diagonal left in, the within-set terms would make a set's distance to itself positive; here it is
    # Σ_{i≠j} k / (m(m-1)) twice minus 2 Σ_{all i,j} k / m², which is negative when the diagonal dominates
    x = torch.eye(3, dtype=torch.float64) * 3
    assert M.kid(x, x) == pytest.approx(kid_by_loops(x.tolist(), x.tolist()), rel=1e-12) and M.kid(x, x) < 0


def test_kid_is_unbiased_where_fd_is_biased_in_n():
    # Two samples of n points from the same N(0, I_4): averaged over many pairs, KID is 0 within its standard
    # error at every n, while FD is clearly positive and falls with n (about d(d + 5)/(2n), see above)
    d, reps = 4, 300
    g = torch.Generator().manual_seed(21)
    fd_mean = {}
    for n in (25, 100):
        kids, fds = [], []
        for _ in range(reps):
            a = torch.randn(n, d, generator=g, dtype=torch.float64)
            b = torch.randn(n, d, generator=g, dtype=torch.float64)
            kids.append(M.kid(a, b))
            fds.append(M.frechet_distance(a, b))
        kids, fds = torch.tensor(kids), torch.tensor(fds)
        assert abs(kids.mean()) < 3 * kids.std() / reps ** 0.5  # 0 on average: unbiased
        assert fds.mean() > 10 * fds.std() / reps ** 0.5  # FD: positive, many standard errors above 0
        fd_mean[n] = float(fds.mean())
    assert fd_mean[25] > 3 * fd_mean[100]  # the FD bias shrinks with n
    # ... and KID still sees a difference of distributions: a shift of 0.5 per coordinate
    a, b = torch.randn(200, d, generator=g, dtype=torch.float64), torch.randn(200, d, generator=g, dtype=torch.float64)
    assert M.kid(a, b + 0.5) > 20 * abs(M.kid(a, b))


def test_kid_subsets_follow_the_protocol_and_check_inputs():
    g = torch.Generator().manual_seed(22)
    a, b = torch.randn(60, 5, generator=g), torch.randn(50, 5, generator=g) + 0.3
    # one subset as large as the smaller set uses all of b and a random 50 of a; with equal sizes it is kid itself
    mean, std = M.kid_subsets(a[:50], b, subsets=1, subset_size=1000)
    assert mean == pytest.approx(M.kid(a[:50], b), rel=1e-9) and std == 0.0
    # several subsets: mean and std of kid over the subsets drawn from the seeded generator, in that order
    gen = torch.Generator().manual_seed(7)
    by_hand = torch.tensor([M.kid(a[torch.randperm(60, generator=gen)[:20]], b[torch.randperm(50, generator=gen)[:20]])
                            for _ in range(5)], dtype=torch.float64)
    assert M.kid_subsets(a, b, subsets=5, subset_size=20, seed=7) == pytest.approx(
        (float(by_hand.mean()), float(by_hand.std())), rel=1e-9)
    with pytest.raises(ValueError, match="different widths"):
        M.kid(a, torch.randn(10, 4))
    with pytest.raises(ValueError, match="at least 2"):
        M.kid(a[:1], b)
    with pytest.raises(ValueError, match="at least 1"):
        M.kid_subsets(a, b, subsets=0)


# --- classes: histogram, coverage, confidence -------------------------------------------------------------------


def one_hot(classes: list[int], n_classes: int = 10) -> torch.Tensor:
    return torch.nn.functional.one_hot(torch.tensor(classes), n_classes).double()


def test_coverage_counts_classes_above_the_minimum_share():
    assert M.coverage(one_hot(list(range(10)) * 20)) == 10
    assert M.coverage(one_hot([3] * 200)) == 1  # one-class collapse
    # 9 classes at 11% and one at 1%: the stray class is below a quarter of its fair share and does not count
    assert M.coverage(one_hot([c for c in range(9) for _ in range(11)] + [9])) == 9


def test_coverage_ignores_unsure_samples():
    unsure = torch.full((100, 10), 0.1, dtype=torch.float64)
    assert M.coverage(unsure) == 0
    assert M.coverage(unsure, min_confidence=0.0) == 1  # argmax of ties is class 0
    hist = M.class_histogram(torch.cat([one_hot([2] * 50), unsure[:50]]), min_confidence=0.5)
    assert hist[2] == 0.5 and hist.sum() == 0.5


def test_confidence_is_the_number_of_classes_for_confident_uniform_samples():
    assert M.confidence(one_hot(list(range(10)) * 5)) == pytest.approx(10.0)
    assert M.confidence(one_hot([7] * 50)) == pytest.approx(1.0)  # one class: no variety
    assert M.confidence(torch.full((50, 10), 0.1)) == pytest.approx(1.0)  # unreadable samples
    assert M.mean_max_prob(torch.full((50, 10), 0.1)) == pytest.approx(0.1)


def test_confidence_hand_computed():
    p = torch.tensor([[1.0, 0.0], [0.5, 0.5]])  # marginal (0.75, 0.25)
    kl1 = math.log(1 / 0.75)
    kl2 = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    assert M.confidence(p) == pytest.approx(math.exp((kl1 + kl2) / 2), rel=1e-9)


def test_probability_checks():
    with pytest.raises(ValueError, match="softmax"):
        M.confidence(torch.randn(5, 10))
    with pytest.raises(ValueError, match="shape"):
        M.coverage(torch.ones(10))


# --- k-NN precision and recall ----------------------------------------------------------------------------------


def test_knn_radii_by_hand():
    x = torch.tensor([[0.0], [1.0], [3.0], [6.0]])
    assert M.knn_radii(x, k=1).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert M.knn_radii(x, k=2).tolist() == [3.0, 2.0, 3.0, 5.0]
    with pytest.raises(ValueError, match="between 1 and N - 1"):
        M.knn_radii(x, k=4)


def clusters(n_per: int, which: list[int], seed: int) -> torch.Tensor:
    """Points around 10 well-separated centres in 16-d (centre c at 10 * e_c)."""
    g = torch.Generator().manual_seed(seed)
    centres = 10 * torch.eye(16)[:10]
    return torch.cat([centres[c] + torch.randn(n_per, 16, generator=g) for c in which])


def test_precision_recall_identical_sets():
    x = clusters(50, list(range(10)), seed=0)
    assert M.precision_recall(x, x) == (1.0, 1.0)


def test_precision_recall_one_cluster_and_noise():
    real = clusters(60, list(range(10)), seed=1)
    p_fresh, r_fresh = M.precision_recall(real, clusters(30, list(range(10)), seed=4))
    assert p_fresh > 0.7 and r_fresh > 0.7  # a fresh draw of 16-d points: not 1 (k-NN balls miss some mass)
    p, r = M.precision_recall(real, clusters(300, [0], seed=2))  # collapse onto one mode: realistic, not diverse
    assert p > p_fresh - 0.05 and 0.03 < r < 0.15  # recall ~ 1 mode of 10
    p, r = M.precision_recall(real, 30 + torch.randn(300, 16, generator=torch.Generator().manual_seed(3)))
    assert p == 0.0 and r == 0.0  # far off the data: neither


# --- the classifier on real digits -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits(mnist_test):
    """The 10 k test digits in a fixed random order: MNIST's test split puts 5 k cleaner digits (census staff)
    before 5 k harder ones (students), so slices in file order are two populations, not two samples of one."""
    x, y = mnist_test
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(0))
    return x[order], y[order]


@pytest.fixture(scope="module")
def clf(digits):
    x, y = digits
    # small on purpose (16 k digit presentations, a few seconds on the session's one thread): ~97% on held-out digits
    return M.train_classifier(x[:8000], y[:8000], epochs=2, seed=0, lr=3e-3, batch_size=64)


def test_classifier_reads_held_out_digits(clf, digits):
    x, y = digits
    assert M.accuracy(clf, x[8000:], y[8000:]) > 0.95
    f, p = M.features(clf, x[:10]), M.probs(clf, x[:10])
    assert f.shape == (10, M.FEATURE_DIM) and p.shape == (10, 10)
    assert torch.allclose(p.sum(dim=1), torch.ones(10))
    digit_logits = clf.head(f * clf.feature_scale)[:, :10]  # the features feed the head; its 11th is "no digit"
    assert torch.allclose(p, digit_logits.softmax(dim=1), atol=1e-6)


def test_feature_unit_is_the_real_spread(clf, digits):
    f = M.features(clf, digits[0][:8000])
    assert f.var(dim=0).mean() == pytest.approx(1.0, rel=1e-4)  # per-dimension variance 1 on the training digits


def test_training_is_seeded_and_leaves_the_global_rng_alone(digits):
    x, y = digits
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a = M.train_classifier(x[:256], y[:256], epochs=1, seed=5)
    assert torch.equal(torch.random.get_rng_state(), before)
    b = M.train_classifier(x[:256], y[:256], epochs=1, seed=5)
    assert all(torch.equal(u, v) for u, v in zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def test_bad_images_are_explained():
    with pytest.raises(ValueError, match="uint8"):
        M._check_images(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))
    with pytest.raises(ValueError, match="x / 127.5 - 1"):
        M._check_images(torch.full((2, 1, 28, 28), 255.0))
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        M._check_images(torch.zeros(2, 3, 32, 32))
    with pytest.raises(ValueError, match="NaN"):
        M._check_images(torch.full((2, 784), float("nan")))
    assert M._check_images(torch.zeros(2, 784)).shape == (2, 1, 28, 28)
    with pytest.raises(ValueError, match="labels"):
        M.train_classifier(torch.zeros(3, 1, 28, 28), torch.zeros(2))


def test_save_load_roundtrip_and_foreign_files(clf, digits, tmp_path):
    path = M.save_classifier(clf, tmp_path / "c.pt")
    back = M.load_classifier(path)
    x = digits[0][:20]
    assert torch.equal(M.features(back, x), M.features(clf, x)) and back.meta == clf.meta
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a ganedu checkpoint"):
        M.load_classifier(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError):
        M.load_classifier(tmp_path / "missing.pt")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """$GANEDU_CACHE points at an empty tmp folder, and the in-memory cache is empty."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GANEDU_CACHE", str(folder))
    monkeypatch.setattr(M, "_MEMORY", {})
    monkeypatch.setattr(M, "_UNWRITABLE", set())
    return folder


def test_classifier_trains_once_then_caches(clf, digits, cache, tmp_path, monkeypatch, capsys):
    x, y = digits
    calls, have = [], {"train": False, "test": True}  # which splits are "on disk"

    def fake_mnist(split="train", root=None, download=True):
        calls.append(split)
        if not have[split]:
            raise data.DataUnavailable("offline")
        return x[:64], y[:64]

    def fake_train(images, labels, **kw):
        calls.append(("train", len(labels)))
        out = M.load_classifier(M.save_classifier(clf, tmp_path / "copy.pt"))
        out.meta = {"seconds": 0.0}
        return out

    monkeypatch.setattr(data, "mnist", fake_mnist)
    monkeypatch.setattr(data, "available", lambda split, root=None: have[split])
    monkeypatch.setattr(M, "train_classifier", fake_train)
    first = M.classifier(root=tmp_path)
    # train split missing: learns from half of the test split, says so, then reads the other half for its accuracy
    assert calls == ["train", "test", ("train", 32), "test"]
    assert "half of the test split (32 digits)" in capsys.readouterr().out and first.meta["split"] == "test"
    assert "held_out_accuracy" in first.meta
    assert M.cache_path().is_file() and M.cache_path().parent.parent == cache  # GANEDU_CACHE, not the data root
    assert not (tmp_path / "classifiers").exists()
    assert M.classifier(root=tmp_path) is first  # memory: nothing read, nothing trained
    monkeypatch.setattr(M, "_MEMORY", {})
    calls.clear()
    second = M.classifier(root=tmp_path)  # a new session: from the file, no download attempt, nothing to warn of
    assert calls == [] and second.meta["split"] == "test" and capsys.readouterr().out == ""
    assert torch.equal(M.features(second, x[:5]), M.features(first, x[:5]))
    have["train"] = True  # the train split arrives: the test-split classifier is replaced
    monkeypatch.setattr(M, "_MEMORY", {})
    third = M.classifier(root=tmp_path)
    assert calls == ["train", ("train", 64), "test"] and third.meta["split"] == "train"
    assert "held_out_accuracy" in third.meta and M.load_classifier(M.cache_path()).meta["split"] == "train"


def test_the_test_split_is_halved_the_same_way_everywhere():
    images, labels = torch.arange(10).view(10, 1, 1, 1).expand(10, 1, 28, 28), torch.arange(10)
    (learn_x, learn_y), (held_x, held_y) = M.split_test_digits(images, labels)
    assert learn_y.tolist() == [0, 2, 4, 6, 8] and held_y.tolist() == [1, 3, 5, 7, 9]  # disjoint, all used
    assert torch.equal(learn_x[:, 0, 0, 0], learn_y) and torch.equal(held_x[:, 0, 0, 0], held_y)  # pairs kept
    # MNIST's test file: 5 k cleaner digits, then 5 k harder ones; each half must get 2.5 k of both
    (_, learn), (_, held) = M.split_test_digits(torch.zeros(10_000), torch.arange(10_000))
    assert len(learn) == len(held) == 5000 and (learn < 5000).sum() == (held < 5000).sum() == 2500


def test_held_out_digits_are_the_ones_the_classifier_never_saw(monkeypatch):
    test_x, test_y = torch.rand(8, 1, 28, 28), torch.arange(8)
    monkeypatch.setattr(data, "mnist", lambda split="train", root=None, **kw: (test_x, test_y))
    on_test, on_train = M.Classifier(), M.Classifier()
    on_test.meta, on_train.meta = {"split": "test"}, {"split": "train"}
    x, y = M.held_out(on_test)
    assert y.tolist() == [1, 3, 5, 7] and torch.equal(x, test_x[1::2])  # the half it did not learn from
    assert M.held_out(on_train)[1].tolist() == list(range(8))  # learned from the train split: all test digits


def test_the_half_test_classifier_learns_from_one_half_and_is_scored_on_the_other(cache, monkeypatch):
    test_x, test_y = torch.rand(10, 1, 28, 28) * 2 - 1, torch.arange(10)
    seen = {}

    def fake_mnist(split="train", root=None, download=True):
        if split == "train":
            raise data.DataUnavailable("offline")
        return test_x, test_y

    def fake_train(images, labels, **kw):
        seen["labels"] = labels.tolist()
        out = M.Classifier()
        out.meta = {"seconds": 0.0}
        return out

    monkeypatch.setattr(data, "mnist", fake_mnist)
    monkeypatch.setattr(data, "available", lambda split, root=None: split == "test")
    monkeypatch.setattr(M, "train_classifier", fake_train)
    def fake_accuracy(clf, images, labels):
        seen["scored"] = labels.tolist()
        return 0.5

    monkeypatch.setattr(M, "accuracy", fake_accuracy)
    clf = M.classifier()
    assert seen["labels"] == [0, 2, 4, 6, 8] and seen["scored"] == [1, 3, 5, 7, 9]  # no digit in both
    assert clf.meta["split"] == "test" and clf.meta["held_out_accuracy"] == 0.5


def test_quick_mode_caches_under_its_own_name(monkeypatch, cache):
    monkeypatch.setattr(M.config, "QUICK", True)
    assert M.cache_path() == cache / "classifiers" / "mnist_cnn_quick.pt"
    monkeypatch.setattr(M.config, "QUICK", False)
    assert M.cache_path() == cache / "classifiers" / "mnist_cnn.pt"


def fake_training(trained: list):
    """A stand-in for train_classifier: a fresh, untrained classifier instead of a minute of training."""
    def train(*args, **kwargs):
        trained.append(1)
        out = M.Classifier()
        out.meta.update(seconds=0.0)
        return out
    return train


@pytest.fixture
def fake_digits(monkeypatch):
    """data.mnist and data.available answer with 8 blank digits for either split, reading nothing."""
    monkeypatch.setattr("ganedu.data.mnist", lambda *a, **k: (torch.zeros(8, 1, 28, 28), torch.arange(8) % 8))
    monkeypatch.setattr("ganedu.data.available", lambda *a, **k: True)


def test_cache_is_group_readable_and_not_under_the_data_root(cache, fake_digits, tmp_path, monkeypatch):
    trained = []
    monkeypatch.setattr(M, "train_classifier", fake_training(trained))
    old = os.umask(0o022)
    try:
        M.classifier(root=tmp_path / "data", split="test")
    finally:
        os.umask(old)
    assert stat.S_IMODE(M.cache_path().stat().st_mode) == 0o644 and trained == [1]
    assert not (tmp_path / "data").exists()  # an explicit data root says where digits are read, not the cache


def test_unwritable_cache_warns_once_and_never_crashes(cache, fake_digits, monkeypatch):
    trained = []
    monkeypatch.setattr(M, "train_classifier", fake_training(trained))
    cache.write_text("a file where the cache folder should be: nothing can be written under it")
    with pytest.warns(UserWarning, match="GANEDU_CACHE"):
        clf = M.classifier(split="test")
    assert isinstance(clf, M.Classifier) and M.classifier(split="test") is clf  # kept in memory: trained once
    monkeypatch.setattr(M, "_MEMORY", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second failed write in the same session stays silent
        M.classifier(split="test")
    assert trained == [1, 1]


# --- metrics on real digits: the constructed failures ------------------------------------------------------------


def noise_images(n: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def test_fd_grows_with_degradation(clf, digits):
    x = digits[0]
    ref = M.features(clf, x[:2000])
    fds = [M.frechet_distance(ref, M.features(clf, M.degrade(x[2000:3000], blur=s))) for s in (0.0, 1.0, 2.0)]
    assert fds[0] < fds[1] < fds[2]
    assert M.frechet_distance(ref, M.features(clf, noise_images(1000))) > 10 * fds[0]


def test_degrade_is_identity_at_zero_and_stays_in_range(digits):
    x = digits[0][:8]
    assert torch.equal(M.degrade(x), x)
    y = M.degrade(x, blur=1.5, noise=0.5)
    assert y.min() >= -1 and y.max() <= 1
    assert M.degrade(x, blur=1.0).mean() == pytest.approx(float(x.mean()), abs=0.02)  # blur keeps the ink


def test_precision_recall_on_digits(clf, digits):
    x, y = digits
    real = M.features(clf, x[:1000])
    p, r = M.precision_recall(real, M.features(clf, x[1000:2000]))  # fresh real digits
    assert p > 0.8 and r > 0.8
    ones = x[:3000][y[:3000] == 1][:300]
    p, r = M.precision_recall(real, M.features(clf, ones))  # one class only: realistic but not diverse
    assert p > 0.8 and r < 0.4  # the ones cover their own ~11% of the reals and a little more
    p, _ = M.precision_recall(real, M.features(clf, noise_images(500)))
    assert p < 0.05


def test_memorization_flags_copies_not_fresh_digits(digits):
    x = digits[0]
    train, fresh = x[:3000], x[3000:3500]
    copies = train[torch.arange(0, 1000, 2)]
    m = M.memorization(copies, train)
    assert m.fraction == 1.0 and torch.equal(m.nearest, torch.arange(0, 1000, 2))
    assert m.fake_dist.max() < 0.1  # 0 up to float32 round-off (typical distances are 5-10)
    noisy = M.memorization(M.degrade(copies, noise=0.05, seed=1), train)
    assert noisy.fraction > 0.95  # a copy with a little noise is still a copy
    honest = M.memorization(fresh, train)
    assert honest.fraction < 0.05 and 0.8 < honest.ratio < 1.25  # real, unseen digits: ~1% by construction
    held = M.memorization(fresh, train, held_out=x[3500:4500])
    assert held.fraction < 0.05 and held.ref_dist.shape == (1000,)


def test_evaluate_on_constructed_cases(clf, digits):
    x, y = digits
    real = x[:4000]
    good = M.evaluate(x[4000:5000], real, clf=clf, n=1000)
    assert set(good) >= {"n", "fd", "fd_real_floor", "kid", "coverage", "confidence", "precision", "recall",
                         "memorization"}
    assert abs(good["kid"]) < 0.1  # fresh real digits: 0 up to sampling noise (no floor needed)
    assert good["n"] == 1000 and good["coverage"] == 10 and good["confidence"] > 7
    assert good["fd"] < 2 * good["fd_real_floor"] + 1  # fresh real digits score like the floor
    assert good["precision"] > 0.8 and good["recall"] > 0.8 and good["memorization"] < 0.05
    sevens = x[4000:][y[4000:] == 7][:600]
    collapsed = M.evaluate(sevens, real, clf=clf, n=600)
    assert collapsed["coverage"] == 1 and collapsed["recall"] < 0.3 and collapsed["confidence"] < 1.5
    assert collapsed["fd"] > 10 * good["fd"] and collapsed["kid"] > 1.0
    noise = M.evaluate(noise_images(1000), real, clf=clf, n=1000)
    assert noise["precision"] < 0.05 and noise["fd"] > collapsed["fd"]
    assert noise["coverage"] == 0 and sum(noise["histogram"]) == 0  # noise is no digit, however confidently read
    copied = M.evaluate(real[:1000], real, clf=clf, n=1000)
    assert copied["memorization"] == 1.0


def scrambled(images: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Each image with its pixels in a new random order: the same ink, no strokes."""
    g = torch.Generator().manual_seed(seed)
    flat = images.flatten(1)
    return flat.gather(1, torch.rand(flat.shape, generator=g).argsort(dim=1)).view_as(images)


def coverage_of(clf, images) -> int:
    feats = M.features(clf, images)
    return M.coverage(M.probs(clf, images), digits=M.digit_mask(clf, feats))


def test_coverage_counts_no_class_for_non_digits(clf, digits):
    x, y = digits
    g = torch.Generator().manual_seed(3)
    held = x[8000:9000]
    assert coverage_of(clf, held) == 10
    assert coverage_of(clf, x[8000:][y[8000:] == 1]) == 1
    non_digits = {
        "uniform noise": noise_images(1000, seed=7),
        "Gaussian noise": torch.randn(1000, 1, 28, 28, generator=g).clamp(-1, 1),  # a kind never trained on
        "dim Gaussian noise": (0.3 * torch.randn(1000, 1, 28, 28, generator=g) - 0.6).clamp(-1, 1),  # nor this
        "blank pages": torch.full((200, 1, 28, 28), -1.0),
        "grey pages": torch.full((200, 1, 28, 28), 0.2),
        "scrambled digits": scrambled(held, seed=5),
    }
    for name, images in non_digits.items():
        assert M.probs(clf, images).max(dim=1).values.mean() > 0.3, name  # the 10-way softmax alone is fooled...
        assert coverage_of(clf, images) == 0, name  # ... the "not a digit" output is not
    assert M.digit_mask(clf, M.features(clf, held)).double().mean() > 0.98  # real digits are hardly ever rejected


def test_thresholds_are_relative_to_the_floor():
    assert 0 < M.GOOD.floors < M.RECOGNIZABLE.floors
    assert M.GOOD.fd_max(0.5) == 0.5 * M.GOOD.floors
    assert M.GOOD.reached(M.GOOD.fd_max(2.0), 10, floor=2.0) and not M.GOOD.reached(M.GOOD.fd_max(2.0), 9, floor=2.0)
    assert not M.GOOD.reached(M.GOOD.fd_max(1.0) + 0.01, 10, floor=1.0)
    assert M.GOOD.reached(M.GOOD.fd_max(1.0) + 0.01, 10, floor=1.1)  # a classifier with a wider unit allows more


def test_the_floor_is_measured_once_per_classifier(clf, digits):
    x = digits[0][:8000]
    a, b = M.features(clf, x[:4000]), M.features(clf, x[4000:8000])
    expected = M.frechet_distance(a[: M.FLOOR_N], b[: M.FLOOR_N])  # two disjoint sets of real digits, same size
    assert 0 < float(clf.fd_floor) < 3 * expected and expected < 3 * float(clf.fd_floor)


def test_thresholds_pass_real_digits_with_margin_and_fail_degraded_ones(clf, digits):
    x, y = digits
    floor = float(clf.fd_floor)
    meter = M.QualityMeter(x[:5000], clf=clf, every=1, n=1000)  # the protocol the thresholds were calibrated on
    for real in (x[5000:6000], x[8000:9000]):  # digits the classifier trained on, and digits it never saw
        fd, cov = meter.measure(real)
        assert cov == 10 and fd <= M.GOOD.fd_max(floor) / 3  # every threshold, with a margin of 3x
    for worse in (M.degrade(x[5000:6000], blur=1.0), M.degrade(x[5000:6000], noise=0.5, seed=1)):
        assert not M.GOOD.reached(*meter.measure(worse), floor=floor)
    assert not M.RECOGNIZABLE.reached(*meter.measure(M.degrade(x[5000:6000], blur=2.0)), floor=floor)
    assert not M.RECOGNIZABLE.reached(*meter.measure(x[5000:6000][y[5000:6000] != 3]), floor=floor)  # no 3s
    trainer = FakeTrainer(x[5000:6000])
    assert not meter.reached(M.GOOD)  # nothing measured yet
    trainer.step_count = 1
    meter(trainer)
    assert meter.reached(M.GOOD) and meter.reached(M.RECOGNIZABLE)
    trainer.pool, trainer.step_count = M.degrade(x[5000:6000], blur=2.0), 2
    meter(trainer)
    assert not meter.reached(M.RECOGNIZABLE)


# --- the live quality meter --------------------------------------------------------------------------------------


class FakeTrainer:
    """The part of ganedu.train.Trainer that the meter uses: G, step_count, generate(n)."""

    def __init__(self, pool: torch.Tensor) -> None:
        self.G = torch.nn.Linear(2, 2)
        self.step_count = 0
        self.pool = pool  # what generate() returns: swap it to simulate learning or collapse
        self.generated = 0

    def generate(self, n: int) -> torch.Tensor:
        self.generated += 1
        return self.pool[:n]


def test_meter_measures_every_n_steps_and_keeps_the_best(clf, digits):
    x, y = digits
    meter = M.QualityMeter(x[:3000], clf=clf, every=5, n=300)
    tr = FakeTrainer(noise_images(300))
    schedule = {5: noise_images(300), 10: x[3000:3300], 15: x[3000:][y[3000:] == 4][:300]}  # noise, good, collapse
    best_weights = None
    for step in range(1, 18):
        tr.step_count = step
        if step in schedule:
            tr.pool = schedule[step]
            with torch.no_grad():
                tr.G.weight.fill_(step)  # weights that identify the step
            if step == 10:
                best_weights = tr.G.weight.clone()
        meter(tr)
    assert tr.generated == 3 and [h[0] for h in meter.history] == [5, 10, 15]
    (_, fd_noise, c_noise), (_, fd_good, c_good), (_, fd_collapse, c_collapse) = meter.history
    assert fd_good < fd_collapse < fd_noise and c_good == 10 and c_collapse == 1
    assert meter.best_step == 10 and meter.best_fd == fd_good
    assert meter.restore_best(tr) == 10 and torch.equal(tr.G.weight, best_weights)
    assert fd_good / 2 < meter.floor < 2 * fd_good  # held-out real digits score like fresh real ones
    assert "step 15" in meter.status() and "best" in meter.status()


def test_meter_skips_non_finite_samples_and_explains_an_empty_best(clf, digits):
    meter = M.QualityMeter(digits[0][:1000], clf=clf, every=1, n=10)
    tr = FakeTrainer(torch.full((10, 1, 28, 28), float("nan")))
    with pytest.raises(RuntimeError, match="every 1 steps"):
        meter.restore_best(tr)
    tr.step_count = 1
    meter(tr)
    assert math.isnan(meter.history[0][1]) and meter.best_state is None


def test_meter_as_a_real_trainer_callback(clf, digits):
    from ganedu import models
    from ganedu.train import TrainConfig, Trainer

    x = digits[0][:512]
    g, d = models.build("mlp")
    trainer = Trainer(g, d, x, TrainConfig(batch_size=16, device="cpu", seed=0))
    meter = M.QualityMeter(x, clf=clf, every=2, n=64)
    trainer.train(steps=5, callbacks=[meter])
    assert [h[0] for h in meter.history] == [2, 4] and meter.best_step in (2, 4)
    assert meter.best_state.keys() == trainer.G.state_dict().keys()
    assert all(v.device.type == "cpu" for v in meter.best_state.values())
    assert meter.restore_best(trainer) == meter.best_step
    assert all(torch.equal(v.cpu(), meter.best_state[k]) for k, v in trainer.G.state_dict().items())


def test_a_stale_classifier_cache_is_retrained_not_fatal(cache, fake_digits, monkeypatch, capsys):
    from ganedu import checkpoints

    checkpoints.atomic_save({"format": M.CACHE_FORMAT, "version": -1, "spec": {}, "state_dict": {}}, M.cache_path())
    trained = []
    monkeypatch.setattr(M, "train_classifier", fake_training(trained))
    clf = M.classifier(split="test")
    assert isinstance(clf, M.Classifier) and trained == [1]
    assert "cannot be used" in capsys.readouterr().out


def test_meter_compares_with_held_out_digits_by_default(clf, digits, monkeypatch):
    unseen = digits[0][1:1000:2]
    asked = []
    monkeypatch.setattr(M, "held_out", lambda c, root=None: asked.append(c) or (unseen, digits[1][1:1000:2]))
    default = M.QualityMeter(clf=clf, every=1, n=10)
    explicit = M.QualityMeter(unseen, clf=clf, every=1, n=10)
    assert asked == [clf]  # the default asked the classifier which digits it never saw
    assert torch.allclose(default.real_stats.mean, explicit.real_stats.mean)


def test_loading_a_classifier_leaves_the_global_random_stream_alone(tmp_path):
    # a notebook seeded once must draw the same numbers whether the classifier was trained (a fresh cache) or
    # loaded (a warm one): building the net to load into must not consume torch's global generator
    torch.manual_seed(0)
    clf = M.Classifier()
    path = M.save_classifier(clf, tmp_path / "clf.pt")
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    loaded = M.load_classifier(path)
    assert torch.equal(torch.rand(3), expected)
    assert all(torch.equal(a, b) for a, b in zip(loaded.parameters(), clf.parameters()))
