"""The latent space of a trained generator, measured with the classifier of notebook 07 (notebook 10).

- :func:`read_noise`: draw z, decode G(z) and let the classifier read each sample (class, confidence, digit or not).
- :func:`class_means`: the mean latent vector of the z's read confidently as each class (Radford et al. 2016
  averaged a few z's per visual concept the same way), and :func:`to_typical_length`, which puts a mean back at
  the length √d that N(0, I) noise has (a mean of many z's is much shorter, see notebook 10, section 3).
- :func:`read_path`: what the classifier reads along a latent path (class and ink of each image).
- :func:`truncation_sweep`: precision and recall (Kynkäänniemi et al. 2019) of samples drawn with the truncation
  trick (Brock, Donahue & Simonyan 2019) at several thresholds: fidelity against diversity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .. import metrics, models

CONFIDENT = 0.9  # a sample "is" class c when it is a digit and the classifier gives c at least this probability


@dataclass
class Reading:
    """What the classifier reads in G(z) for each of n latent vectors."""

    z: Tensor  # (n, d) the latent vectors
    images: Tensor  # (n, 1, 28, 28) G(z), float32 on the CPU
    label: Tensor  # (n,) long, the most probable digit
    prob: Tensor  # (n,) its probability
    digit: Tensor  # (n,) bool, read as a digit at all (metrics.digit_mask)

    def confident(self, min_prob: float = CONFIDENT) -> Tensor:
        """(n,) bool: a digit, read as its class with probability at least ``min_prob``."""
        return self.digit & (self.prob >= min_prob)


@torch.no_grad()
def decode(generator: nn.Module, z: Tensor, labels: Tensor | None = None, batch: int = 1000) -> Tensor:
    """G(z) (or G(z, labels)) in eval mode for the (n, d) latent vectors ``z``: float32 (n, 1, 28, 28) on the CPU."""
    device = next(generator.parameters()).device
    out = []
    with models.evaluating(generator):
        for i in range(0, z.shape[0], batch):
            args = (z[i: i + batch].to(device),)
            if labels is not None:
                args += (labels[i: i + batch].to(device),)
            out.append(generator(*args).float().cpu())
    return torch.cat(out)


def read(clf: metrics.Classifier, images: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(label (n,), its probability (n,), digit mask (n,)) of ``images`` as the classifier reads them."""
    x = images.clamp(-1, 1)
    feats = metrics.features(clf, x)
    top, label = metrics.probs(clf, x).max(dim=1)
    return label, top, metrics.digit_mask(clf, feats)


def read_noise(generator: nn.Module, clf: metrics.Classifier, n: int, seed: int = 0,
               truncation: float | None = None) -> Reading:
    """Draw ``n`` latent vectors (seeded; optionally truncated, :func:`ganedu.models.truncated_noise`), decode
    them and read them with ``clf``."""
    z = models.truncated_noise(n, generator.latent_dim, truncation, generator=torch.Generator().manual_seed(seed))
    images = decode(generator, z)
    label, prob, digit = read(clf, images)
    return Reading(z, images, label, prob, digit)


def read_path(generator: nn.Module, clf: metrics.Classifier, z: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Along the latent points ``z`` (steps, d): (images, the classifier's label (steps,), ink (steps,)), where
    ink is the share of the image's area covered by stroke, the mean of (x + 1)/2."""
    images = decode(generator, z)
    label, _, _ = read(clf, images)
    return images, label, ink(images)


def ink(images: Tensor) -> Tensor:
    """(n,) mean brightness of (n, 1, 28, 28) images in [-1, 1], mapped to [0, 1]: how much stroke there is."""
    return ((images.clamp(-1, 1) + 1) / 2).flatten(1).mean(dim=1)


def class_means(z: Tensor, label: Tensor, keep: Tensor, num_classes: int = metrics.NUM_CLASSES
                ) -> tuple[Tensor, Tensor]:
    """(means (num_classes, d), counts (num_classes,)): the mean of the rows of ``z`` (n, d) with ``keep`` whose
    ``label`` is c, for each class c; a class without any such row has a mean of NaN and a count of 0."""
    keep = keep.bool()
    counts = torch.bincount(label[keep], minlength=num_classes)[:num_classes]
    sums = torch.zeros(num_classes, z.shape[1], dtype=z.dtype).index_add_(0, label[keep], z[keep])
    means = sums / counts[:, None].to(z.dtype)  # 0/0 = NaN for an empty class
    return means, counts


def to_typical_length(z: Tensor) -> Tensor:
    """Rows of ``z`` (n, d) scaled to length √d, the length N(0, I_d) noise has on average (to leading order)."""
    return z * math.sqrt(z.shape[-1]) / z.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def truncation_sweep(generator: nn.Module, clf: metrics.Classifier, real: Tensor,
                     thresholds: Sequence[float | None], n: int, seed: int = 0, k: int = 3) -> list[dict]:
    """Precision and recall of ``n`` samples against ``n`` real digits for each truncation threshold (None: no
    truncation), in the classifier's features. The same seed for every threshold, and the same real digits.

    Rows: {"threshold", "precision", "recall", "spread"}; spread is the mean distance of the samples' features to
    their mean: how varied they are.
    """
    real_feats = metrics.features(clf, real[:n])
    labels = torch.arange(n) % generator.num_classes if isinstance(generator, models.ConditionalGenerator) else None
    rows = []
    for tau in thresholds:
        fake = models.sample(generator, n, seed=seed, labels=labels, truncation=tau).clamp(-1, 1)
        feats = metrics.features(clf, fake)
        precision, recall = metrics.precision_recall(real_feats, feats, k=k)
        spread = float((feats - feats.mean(dim=0)).norm(dim=1).mean())
        rows.append({"threshold": tau, "precision": precision, "recall": recall, "spread": spread})
    return rows


__all__ = ["CONFIDENT", "Reading", "decode", "read", "read_noise", "read_path", "ink", "class_means",
           "to_typical_length", "truncation_sweep"]
