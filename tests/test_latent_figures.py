"""ganedu.lessons.latent_figures against hand-computed shares."""

from __future__ import annotations

import numpy as np

from ganedu.lessons import latent_figures
from ganedu.messages import msg


def test_confusion_figure_writes_the_shares_in_percent() -> None:
    ax = latent_figures.confusion_figure(np.eye(10)).axes[0]
    assert [t.get_text() for t in ax.texts] == ["100"] * 10
    assert ax.get_xlabel() == msg("fig_digit_read") and ax.get_ylabel() == msg("fig_digit_asked")


def test_truncation_figure_draws_precision_and_recall_per_threshold() -> None:
    rows = [{"threshold": 0.5, "precision": 0.9, "recall": 0.1}, {"threshold": None, "precision": 0.7, "recall": 0.4}]
    ax = latent_figures.truncation_figure(rows).axes[0]
    precision, recall = ax.get_lines()
    assert precision.get_label() == msg("fig_precision") and recall.get_label() == msg("fig_recall")
    assert list(precision.get_ydata()) == [0.9, 0.7] and list(recall.get_ydata()) == [0.1, 0.4]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.5", msg("fig_no_truncation")]
