"""DCGAN's design rules, each shown on the course's nets or on a tiny layer (notebook 06).

Radford, Metz & Chintala (2016) list what made their convolutional GANs train: strided convolutions instead of
pooling, BatchNorm in both nets except D's input layer and G's output layer, ReLU in G and LeakyReLU in D, and
weights drawn from N(0, 0.02). Odena, Dumoulin & Olah (2016, Distill, "Deconvolution and checkerboard artifacts")
add why a transposed convolution's kernel should be divisible by its stride, and resize-convolution as the fix.
This module measures each rule; ``dcgan_rules_figures`` draws the checkerboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .. import models
from ..messages import msg

WEIGHTED = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)  # layers with a weight matrix that dcgan_init draws
ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Tanh)
CONVS = (nn.Conv2d, nn.ConvTranspose2d)
SIDE = 6  # side of the constant input of the checkerboard demo (6 x 6 -> 13 x 13 for kernel 3, stride 2)


# --- rule 1: N(0, 0.02) initialisation ----------------------------------------------------------------------------


def weight_stds(net: nn.Module) -> dict[str, float]:
    """The standard deviation of every conv / transposed-conv / linear weight of ``net``, by module name."""
    return {name: float(m.weight.detach().std()) for name, m in net.named_modules() if isinstance(m, WEIGHTED)}


# --- rules 2 and 4: where BatchNorm goes, strided convolutions instead of pooling ---------------------------------


@dataclass(frozen=True)
class Layer:
    """One leaf layer of a net as a forward pass meets it: its name, its class and the shape it outputs."""

    name: str  # e.g. "net.0" (nn.Module.named_modules)
    kind: str  # the class name, e.g. "Conv2d"
    shape: tuple[int, ...]  # output shape without the batch dimension
    detail: str  # kernel / stride of a convolution, else ""


def layers(net: nn.Module, x: Tensor) -> list[Layer]:
    """``net``'s leaf layers in the order a forward pass on ``x`` runs them, with each output's shape (eval mode,
    no gradients: the net is not changed)."""
    seen: list[Layer] = []
    hooks = []
    for name, m in net.named_modules():
        if not any(True for _ in m.children()):
            detail = f"k{m.kernel_size[0]} s{m.stride[0]}" if isinstance(m, CONVS) else ""
            hooks.append(m.register_forward_hook(
                lambda mod, inp, out, name=name, detail=detail: seen.append(
                    Layer(name, type(mod).__name__, tuple(out.shape[1:]), detail))))
    try:
        with torch.no_grad(), models.evaluating(net):
            net(x)
    finally:
        for h in hooks:
            h.remove()
    return seen


def table(rows: list[Layer]) -> str:
    """The layers as lines for a notebook: name, class, kernel/stride, output shape."""
    return "\n".join(msg("dcgan_layer_row", name=r.name, kind=r.kind, detail=r.detail, shape=r.shape) for r in rows)


def first_block(rows: list[Layer]) -> list[str]:
    """Classes of the layers up to and including the first activation (a net's input block)."""
    i = next(i for i, r in enumerate(rows) if r.kind in {a.__name__ for a in ACTIVATIONS})
    return [r.kind for r in rows[: i + 1]]


def last_block(rows: list[Layer]) -> list[str]:
    """Classes of the layers from the last weighted layer to the end (a net's output block)."""
    weighted = {w.__name__ for w in WEIGHTED}
    i = max(i for i, r in enumerate(rows) if r.kind in weighted)
    return [r.kind for r in rows[i:]]


def pooling_layers(net: nn.Module) -> list[str]:
    """Names of ``net``'s pooling layers (max, average, adaptive): DCGAN has none."""
    return [name for name, m in net.named_modules() if type(m).__module__ == "torch.nn.modules.pooling"]


# --- rule 3: transposed convolutions and the checkerboard -------------------------------------------------------


def overlap(kernel_size: int, stride: int = 2, side: int = SIDE) -> Tensor:
    """A ConvTranspose2d(1, 1, kernel_size, stride, no padding, no bias) with every weight 1, applied to a constant
    side x side image of ones: each output pixel counts how many input pixels' kernels cover it. (out, out) with
    out = (side - 1) * stride + kernel_size."""
    layer = nn.ConvTranspose2d(1, 1, kernel_size, stride=stride, bias=False)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        return layer(torch.ones(1, 1, side, side))[0, 0]


def resize_conv(side: int = SIDE, scale: int = 2) -> Tensor:
    """Resize-convolution (Odena et al. 2016): nearest-neighbour upsampling by ``scale``, then a 3x3 convolution
    (padding 1, all weights 1, no bias) on the same constant input. (side * scale, side * scale)."""
    conv = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        up = nn.functional.interpolate(torch.ones(1, 1, side, side), scale_factor=scale, mode="nearest")
        return conv(up)[0, 0]


def interior(image: Tensor, margin: int) -> Tensor:
    """``image`` without a border of ``margin`` pixels, where fewer input pixels reach (the edge of the input)."""
    return image[margin:-margin, margin:-margin]


def unevenness(image: Tensor) -> tuple[float, float]:
    """(max - min, std / mean) of ``image``: both 0 for an even image."""
    return float(image.max() - image.min()), float(image.std(unbiased=False) / image.mean())


def demos(side: int = SIDE) -> dict[str, tuple[Tensor, Tensor]]:
    """The three upsamplers of the demo on the constant input: name -> (full output, interior)."""
    k3, k4, resize = overlap(3, side=side), overlap(4, side=side), resize_conv(side=side)
    # the border: kernel - stride pixels of a transposed conv, 1 pixel (the zero padding) of the 3x3 conv
    return {"k3": (k3, interior(k3, 1)), "k4": (k4, interior(k4, 2)), "resize": (resize, interior(resize, 1))}


def divisible_kernels(net: nn.Module) -> list[tuple[str, int, int]]:
    """(name, kernel size, stride) of every transposed convolution of ``net``; even overlap needs
    kernel % stride == 0."""
    return [(name, m.kernel_size[0], m.stride[0]) for name, m in net.named_modules()
            if isinstance(m, nn.ConvTranspose2d)]
