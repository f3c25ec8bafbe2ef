"""ganedu.lessons.dcgan_rules against closed forms: the overlap counts of a transposed convolution, the even output
of resize-convolution, the layer shapes of the DCGAN pair, where its BatchNorm layers sit, and that it has no
pooling."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganedu import config, models
from ganedu.lessons import dcgan_rules


def counts_1d(kernel: int, stride: int, n: int) -> torch.Tensor:
    """Closed form: output pixel i is covered by the inputs j in [0, n) with 0 <= i - stride * j < kernel."""
    out = (n - 1) * stride + kernel
    return torch.tensor([sum(0 <= i - stride * j < kernel for j in range(n)) for i in range(out)], dtype=torch.float)


@pytest.mark.parametrize("kernel, stride", [(2, 1), (3, 2), (4, 2), (5, 2), (3, 3), (5, 3)])
def test_overlap_is_the_outer_product_of_the_1d_counts(kernel, stride):
    c = counts_1d(kernel, stride, 5)
    torch.testing.assert_close(dcgan_rules.overlap(kernel, stride, side=5), torch.outer(c, c))


def test_kernel_3_stride_2_alternates_and_kernel_4_is_even():
    k3 = dcgan_rules.interior(dcgan_rules.overlap(3), 1)
    # output pixel i (i = 1 .. 2n - 1) is covered twice when i is even, once when odd: 1, 2, 1, ... from i = 1, so
    # 1 / 2 / 4 in 2D, with 4 where both indices are even
    odd = torch.arange(1, k3.shape[0] + 1) % 2 == 1
    want = torch.outer(torch.where(odd, 1.0, 2.0), torch.where(odd, 1.0, 2.0))
    torch.testing.assert_close(k3, want)
    assert set(k3.unique().tolist()) == {1.0, 2.0, 4.0}
    k4 = dcgan_rules.interior(dcgan_rules.overlap(4), 2)
    assert k4.numel() > 0 and bool((k4 == 4).all())  # every pixel is covered twice along each axis


def test_resize_convolution_is_even_inside_and_covers_nine_pixels():
    out = dcgan_rules.resize_conv(side=4)
    assert out.shape == (8, 8)
    assert bool((dcgan_rules.interior(out, 1) == 9).all())  # a 3x3 window of ones everywhere inside
    assert out[0, 0] == 4 and out[0, 3] == 6  # zero padding: corners see 2x2, edges 2x3


def test_unevenness_hand_computed():
    assert dcgan_rules.unevenness(torch.tensor([[1.0, 3.0]])) == pytest.approx((2.0, 0.5))  # std 1, mean 2
    assert dcgan_rules.unevenness(torch.full((3, 3), 7.0)) == (0.0, 0.0)


def test_demos_measure_kernel_3_uneven_and_the_others_even():
    d = dcgan_rules.demos()
    assert dcgan_rules.unevenness(d["k3"][1])[0] == 3.0
    assert [inner.shape for _, inner in d.values()] == [(11, 11), (10, 10), (10, 10)]
    assert dcgan_rules.unevenness(d["k4"][1]) == (0.0, 0.0)
    assert dcgan_rules.unevenness(d["resize"][1]) == (0.0, 0.0)


def test_layers_of_the_dcgan_pair_shapes_and_blocks():
    G, D = models.build("dcgan")
    g = dcgan_rules.layers(G, torch.randn(2, 100))
    d = dcgan_rules.layers(D, torch.randn(2, 1, 28, 28))
    convs = [r.shape for r in d if r.kind == "Conv2d"]
    assert convs == [(64, 14, 14), (128, 7, 7)]  # stride 2 halves the side: 28 -> 14 -> 7
    assert [r.shape for r in g if r.kind == "ConvTranspose2d"] == [(64, 14, 14), (1, 28, 28)]
    assert dcgan_rules.first_block(d) == ["Conv2d", "LeakyReLU"]
    assert dcgan_rules.last_block(g) == ["ConvTranspose2d", "Tanh"]
    assert sum(r.kind.startswith("BatchNorm") for r in g + d) == 3
    assert dcgan_rules.pooling_layers(G) == dcgan_rules.pooling_layers(D) == []
    assert dcgan_rules.divisible_kernels(G) == [("up.0", 4, 2), ("up.3", 4, 2)]
    lines = dcgan_rules.table(d).splitlines()
    assert len(lines) == len(d) and "k4 s2" in lines[0]


def test_blocks_and_pooling_are_found_where_they_are():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(2, 1, 1),
                        nn.BatchNorm2d(1), nn.AdaptiveAvgPool2d(1))
    rows = dcgan_rules.layers(net, torch.randn(2, 1, 8, 8))
    assert dcgan_rules.first_block(rows) == ["Conv2d", "BatchNorm2d", "ReLU"]
    assert dcgan_rules.last_block(rows) == ["Conv2d", "BatchNorm2d", "AdaptiveAvgPool2d"]
    assert dcgan_rules.pooling_layers(net) == ["3", "6"]


def test_layers_leave_the_net_as_it_was():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU())
    net.train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    dcgan_rules.layers(net, torch.randn(5, 3))
    assert net.training and all(not m._forward_hooks for m in net.modules())
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # eval mode: no BN statistics


def test_weight_stds_of_known_weights():
    lin = nn.Linear(2, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, -1.0], [1.0, -1.0]]))
    assert dcgan_rules.weight_stds(nn.Sequential(lin, nn.ReLU())) == {"0": pytest.approx(2 / 3 ** 0.5)}


def test_dcgan_weight_stds_are_0_02():
    with config.seeded(0):
        G, D = models.build("dcgan")
    stds = {**dcgan_rules.weight_stds(G), **dcgan_rules.weight_stds(D)}
    assert len(stds) == 6 and all(abs(s - models.INIT_STD) < 0.1 * models.INIT_STD for s in stds.values())
