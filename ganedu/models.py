"""Generator and discriminator networks. Discriminators return logits, shape (B, 1); no sigmoid inside.

Every network remembers the keyword arguments it was built with (``.spec``) so a checkpoint can rebuild
it from plain data, which is what lets ``torch.load(..., weights_only=True)`` read our files.
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from .messages import msg

LEAK = 0.2  # LeakyReLU slope used by DCGAN (Radford et al. 2016) and most MNIST GANs since


class _Spec(nn.Module):
    """Base that records constructor arguments, so ``build(kind, **spec)`` rebuilds the same net."""

    kind: str = ""

    def _remember(self, **kwargs) -> None:
        self.spec = {"kind": self.kind, **kwargs}


class MLPGenerator(_Spec):
    """z (B, latent_dim) -> sample (B, *out_shape) in [-1, 1].

    Default: the classic MNIST MLP of the seed articles, 100 -> 128 -> 256 -> 512 -> 1024 -> 784, BatchNorm on
    every hidden layer but the first, LeakyReLU(0.2), tanh out (1.49 M parameters).
    """

    kind = "mlp"

    def __init__(
        self,
        latent_dim: int = 100,
        hidden: tuple[int, ...] = (128, 256, 512, 1024),
        out_shape: tuple[int, ...] = (1, 28, 28),
        batchnorm: bool = True,
        tanh: bool = True,
    ) -> None:
        super().__init__()
        self._remember(latent_dim=latent_dim, hidden=list(hidden), out_shape=list(out_shape),
                       batchnorm=batchnorm, tanh=tanh)
        self.latent_dim = latent_dim
        self.out_shape = tuple(out_shape)
        layers: list[nn.Module] = []
        width = latent_dim
        for i, h in enumerate(hidden):
            layers.append(nn.Linear(width, h))
            if batchnorm and i > 0:  # no BN right after z: it would just re-normalize the noise
                layers.append(nn.BatchNorm1d(num_features=h))
            layers.append(nn.LeakyReLU(negative_slope=LEAK))
            width = h
        layers.append(nn.Linear(width, math.prod(out_shape)))
        if tanh:  # images live in [-1, 1]; toy 2D data is unbounded, so no tanh there
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(z.shape[0], *self.out_shape)


class MLPDiscriminator(_Spec):
    """sample (B, *in_shape) -> logit (B, 1). Default: 784 -> 512 -> 256 -> 1, LeakyReLU(0.2)."""

    kind = "mlp"

    def __init__(self, in_shape: tuple[int, ...] = (1, 28, 28), hidden: tuple[int, ...] = (512, 256)) -> None:
        super().__init__()
        self._remember(in_shape=list(in_shape), hidden=list(hidden))
        layers: list[nn.Module] = [nn.Flatten()]
        width = math.prod(in_shape)
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(negative_slope=LEAK)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class DCGANGenerator(_Spec):
    """z (B, latent_dim) -> image (B, 1, 28, 28): Linear to (2w, 7, 7), two stride-2 transposed convs (7->14->28).

    A small DCGAN (Radford et al. 2016) sized for 28x28 MNIST: BatchNorm + ReLU inside, tanh out.
    """

    kind = "dcgan"

    def __init__(self, latent_dim: int = 100, width: int = 64) -> None:
        super().__init__()
        self._remember(latent_dim=latent_dim, width=width)
        self.latent_dim = latent_dim
        self.out_shape = (1, 28, 28)
        w2 = 2 * width
        self.project = nn.Sequential(
            nn.Linear(latent_dim, w2 * 7 * 7, bias=False),
            nn.BatchNorm1d(num_features=w2 * 7 * 7),
            nn.ReLU(),
        )
        self.up = nn.Sequential(
            # (B, 2w, 7, 7) -> (B, w, 14, 14)
            nn.ConvTranspose2d(w2, width, kernel_size=4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(num_features=width),
            nn.ReLU(),
            # (B, w, 14, 14) -> (B, 1, 28, 28)
            nn.ConvTranspose2d(width, 1, kernel_size=4, stride=2, padding=1),
            nn.Tanh(),
        )
        self._w2 = w2

    def forward(self, z: Tensor) -> Tensor:
        return self.up(self.project(z).view(z.shape[0], self._w2, 7, 7))


class DCGANDiscriminator(_Spec):
    """image (B, 1, 28, 28) -> logit (B, 1): two stride-2 convs (28->14->7), LeakyReLU(0.2), a linear head."""

    kind = "dcgan"

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        self._remember(width=width)
        self.net = nn.Sequential(
            nn.Conv2d(1, width, kernel_size=4, stride=2, padding=1),  # (B, w, 14, 14); no BN on the input layer
            nn.LeakyReLU(negative_slope=LEAK),
            nn.Conv2d(width, 2 * width, kernel_size=4, stride=2, padding=1, bias=False),  # (B, 2w, 7, 7)
            nn.BatchNorm2d(num_features=2 * width),
            nn.LeakyReLU(negative_slope=LEAK),
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


#: Model pairs by name: ``kind -> (generator class, discriminator class)``.
PAIRS: dict[str, tuple[type[_Spec], type[_Spec]]] = {
    "mlp": (MLPGenerator, MLPDiscriminator),
    "dcgan": (DCGANGenerator, DCGANDiscriminator),
}


def _check_kind(kind: str) -> None:
    if kind not in PAIRS:
        raise ValueError(msg("bad_model", value=kind, choices=", ".join(sorted(PAIRS))))


def build_generator(kind: str = "mlp", **kwargs) -> nn.Module:
    """The generator of pair ``kind`` ("mlp" or "dcgan"), built with ``kwargs`` (e.g. a saved ``.spec``)."""
    _check_kind(kind)
    return PAIRS[kind][0](**kwargs)


def build_discriminator(kind: str = "mlp", **kwargs) -> nn.Module:
    """The discriminator of pair ``kind``, built with ``kwargs``."""
    _check_kind(kind)
    return PAIRS[kind][1](**kwargs)


def build(kind: str = "mlp", latent_dim: int = 100) -> tuple[nn.Module, nn.Module]:
    """A fresh (generator, discriminator) pair of ``kind`` for 28x28 MNIST."""
    return build_generator(kind, latent_dim=latent_dim), build_discriminator(kind)


def from_spec(spec: dict, role: str = "generator") -> nn.Module:
    """Rebuild a net from its ``.spec`` dict (``{"kind": ..., **kwargs}``); ``role`` is "generator" or
    "discriminator"."""
    spec = dict(spec)
    kind = spec.pop("kind", None)
    _check_kind(kind)
    if role not in ("generator", "discriminator"):
        raise ValueError(f"role must be 'generator' or 'discriminator', got {role!r}")
    return PAIRS[kind][0 if role == "generator" else 1](**spec)


def count_parameters(net: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)
