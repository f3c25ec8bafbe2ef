"""ganedu.lessons.latent_figures against hand-computed shares."""

from __future__ import annotations

import numpy as np

from ganedu.lessons import latent_figures
from ganedu.messages import msg


def test_confusion_figure_writes_the_shares_in_percent() -> None:
    ax = latent_figures.confusion_figure(np.eye(10)).axes[0]
    assert [t.get_text() for t in ax.texts] == ["100"] * 10
    assert ax.get_xlabel() == msg("fig_digit_read") and ax.get_ylabel() == msg("fig_digit_asked")
