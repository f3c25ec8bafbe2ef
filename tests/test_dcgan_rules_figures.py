"""ganedu.lessons.dcgan_rules_figures: one panel per upsampler, every pixel's value written on it, the interior's
spread in the title."""

from __future__ import annotations

from ganedu.lessons import dcgan_rules, dcgan_rules_figures
from ganedu.messages import msg


def test_checkerboard_figure_writes_each_value_and_the_spread():
    demos = dcgan_rules.demos(side=3)
    fig = dcgan_rules_figures.checkerboard_figure(demos)
    assert len(fig.axes) == 3
    for ax, (name, (full, inner)) in zip(fig.axes, demos.items()):
        assert [t.get_text() for t in ax.texts] == [f"{float(v):g}" for v in full.flatten()]
        assert ax.get_title() == msg(f"fig_upsampler_{name}", spread=float(inner.max() - inner.min()))
    assert fig.axes[0].get_title().endswith("= 3") and fig.axes[1].get_title().endswith("= 0")
