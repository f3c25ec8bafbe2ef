"""ganedu.lessons.latent against hand-computed means, lengths and an independent computation of each step.

The classifier here is an untrained :class:`ganedu.metrics.Classifier` (seeded): the functions only pass images
through it, so its readings need not be right, only the same as reading the images directly. No MNIST needed.
"""

from __future__ import annotations

import math

import pytest
import torch

from ganedu import config, metrics, models
from ganedu.lessons import latent


@pytest.fixture(scope="module")
def clf() -> metrics.Classifier:
    with config.seeded(0):
        return metrics.Classifier().eval()


@pytest.fixture(scope="module")
def G() -> models.MLPGenerator:
    with config.seeded(1):
        return models.MLPGenerator(latent_dim=6, hidden=(16,), out_shape=(1, 28, 28))


def test_class_means_by_hand():
    z = torch.tensor([[1.0, 0.0], [3.0, 2.0], [5.0, 5.0], [0.0, 4.0]])
    label = torch.tensor([0, 0, 2, 2])
    keep = torch.tensor([True, True, False, True])
    means, counts = latent.class_means(z, label, keep, num_classes=3)
    assert counts.tolist() == [2, 0, 1]
    torch.testing.assert_close(means[0], torch.tensor([2.0, 1.0]))
    torch.testing.assert_close(means[2], torch.tensor([0.0, 4.0]))  # the row left out does not count
    assert torch.isnan(means[1]).all()  # no row of class 1


def test_to_typical_length_keeps_the_direction():
    z = torch.tensor([[3.0, 4.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.5]])
    out = latent.to_typical_length(z)
    torch.testing.assert_close(out.norm(dim=1), torch.full((2,), 2.0))  # √4
    torch.testing.assert_close(out[0], torch.tensor([1.2, 1.6, 0.0, 0.0]))


def test_ink_is_the_share_of_bright_pixels():
    x = -torch.ones(3, 1, 28, 28)
    x[1] = 1.0
    x[2, 0, :14] = 1.0  # the top half white
    torch.testing.assert_close(latent.ink(x), torch.tensor([0.0, 1.0, 0.5]))


def test_decode_read_and_read_noise_agree_with_direct_calls(G, clf):
    G.train()
    r = latent.read_noise(G, clf, 7, seed=3, truncation=1.5)
    assert G.training  # eval mode only inside
    z = models.truncated_noise(7, 6, 1.5, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(r.z, z)
    with models.evaluating(G), torch.no_grad():
        images = G(z)
    torch.testing.assert_close(r.images, images)
    torch.testing.assert_close(latent.decode(G, z, batch=2), images)  # batching changes nothing
    p = metrics.probs(clf, images)
    assert r.label.tolist() == p.argmax(dim=1).tolist()
    torch.testing.assert_close(r.prob, p.max(dim=1).values)
    assert r.digit.tolist() == metrics.digit_mask(clf, metrics.features(clf, images)).tolist()
    assert r.confident(0.0).tolist() == r.digit.tolist() and not r.confident(1.01).any()


def test_decode_passes_labels_to_a_conditional_generator():
    with config.seeded(2):
        cg = models.ConditionalGenerator(latent_dim=4, hidden=(8,))
    z, y = torch.randn(5, 4), torch.tensor([3, 1, 4, 1, 5])
    with models.evaluating(cg), torch.no_grad():
        torch.testing.assert_close(latent.decode(cg, z, labels=y, batch=2), cg(z, y))


def test_read_path_reads_each_point(G, clf):
    z = models.interpolate(torch.zeros(6) + 1, -torch.ones(6), steps=4, mode="linear")
    images, label, ink = latent.read_path(G, clf, z)
    assert images.shape == (4, 1, 28, 28) and label.shape == (4,)
    assert label.tolist() == metrics.probs(clf, images).argmax(dim=1).tolist()
    torch.testing.assert_close(ink, latent.ink(images))


def test_truncation_sweep_measures_each_threshold_on_the_same_noise(G, clf):
    real = torch.rand(40, 1, 28, 28, generator=torch.Generator().manual_seed(4)) * 2 - 1
    rows = latent.truncation_sweep(G, clf, real, (0.5, None), n=30, seed=5)
    assert [r["threshold"] for r in rows] == [0.5, None]
    fake = models.sample(G, 30, seed=5, truncation=0.5)
    p, r = metrics.precision_recall(metrics.features(clf, real[:30]), metrics.features(clf, fake), k=3)
    assert rows[0]["precision"] == p and rows[0]["recall"] == r
    # a narrower noise gives less varied samples: the features' mean distance to their mean is smaller
    assert rows[0]["spread"] < rows[1]["spread"]
    feats = metrics.features(clf, models.sample(G, 30, seed=5))
    assert rows[1]["spread"] == pytest.approx(float((feats - feats.mean(0)).norm(dim=1).mean()), rel=1e-6)
    assert math.isfinite(rows[1]["precision"])
