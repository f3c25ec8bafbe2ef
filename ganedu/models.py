"""Generator and discriminator networks. Discriminators return logits, shape (B, 1); no sigmoid inside.

Every network remembers the keyword arguments it was built with (``.spec``) so a checkpoint can rebuild
it from plain data, which is what lets ``torch.load(..., weights_only=True)`` read our files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from torch import Tensor, nn

from .messages import msg

LEAK = 0.2  # LeakyReLU slope used by DCGAN (Radford et al. 2016) and most MNIST GANs since
INIT_STD = 0.02  # DCGAN draws every weight from N(0, 0.02) (Radford et al. 2016, Section 4)


# --- the MLP and DCGAN pairs (notebooks 05-06) --------------------------------------------------------------------


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


def dcgan_init(net: nn.Module) -> nn.Module:
    """DCGAN's initialisation (Radford et al. 2016, Section 4), in place: every convolution, transposed convolution
    and linear weight ~ N(0, INIT_STD = 0.02), their biases 0; BatchNorm scales ~ N(1, 0.02), shifts 0 (the
    reading of the PyTorch DCGAN tutorial). PyTorch's own default (Kaiming-uniform, scaled by the fan-in) would
    give each layer a different spread; DCGAN fixes one small spread for all. Returns ``net``."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                m.weight.normal_(0.0, INIT_STD)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine:
                m.weight.normal_(1.0, INIT_STD)
                m.bias.zero_()
    return net


class DCGANGenerator(_Spec):
    """z (B, latent_dim) -> image (B, 1, 28, 28): Linear to (2w, 7, 7), two stride-2 transposed convs (7->14->28).

    A small DCGAN (Radford et al. 2016) sized for 28x28 MNIST: BatchNorm + ReLU inside, tanh out, no BatchNorm on
    the output layer; kernel 4 with stride 2, so every output pixel gets the same number of kernel taps (no
    checkerboard from uneven overlap, Odena et al. 2016); weights from :func:`dcgan_init`.
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
        dcgan_init(self)

    def forward(self, z: Tensor) -> Tensor:
        return self.up(self.project(z).view(z.shape[0], self._w2, 7, 7))


class DCGANDiscriminator(_Spec):
    """image (B, 1, 28, 28) -> logit (B, 1): two stride-2 convs (28->14->7), LeakyReLU(0.2), a linear head.

    Strided convolutions downsample (no pooling), no BatchNorm on the input layer, weights from :func:`dcgan_init`.
    """

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
        dcgan_init(self)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


# --- spectral normalisation (notebooks 08, 09) --------------------------------------------------------------------

SN_LAYERS = (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)  # layers whose weight matrix spectral norm rescales


def spectral_normalize(net: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    """Spectral normalisation (Miyato et al. 2018, "SN-GAN"), in place: every Linear / conv weight W is used as
    W / σ(W), σ = its largest singular value, estimated by ``n_power_iterations`` power-iteration steps per
    forward pass in training mode (1, as in the paper; the estimate improves across steps).

    For a linear layer σ(W) is its Lipschitz constant, so each one then has constant 1, LeakyReLU has at most 1,
    and an MLP discriminator is 1-Lipschitz: a bound on how sharply D can change, with no extra loss term. (For a
    convolution, SN-GAN and PyTorch normalise the kernel reshaped to a matrix, which bounds the layer only
    approximately.) Returns ``net``. A net changed
    this way no longer rebuilds from its ``.spec``; use the ``sn_mlp`` / ``sn_dcgan`` pairs for checkpoints.
    """
    from torch.nn.utils.parametrizations import spectral_norm

    for module in list(net.modules()):
        if isinstance(module, SN_LAYERS) and not hasattr(module, "parametrizations"):
            spectral_norm(module, n_power_iterations=n_power_iterations)
    return net


class SNMLPDiscriminator(MLPDiscriminator):
    """:class:`MLPDiscriminator` with spectral normalisation on every linear layer (pair ``"sn_mlp"``)."""

    kind = "sn_mlp"

    def __init__(self, in_shape: tuple[int, ...] = (1, 28, 28), hidden: tuple[int, ...] = (512, 256)) -> None:
        super().__init__(in_shape=in_shape, hidden=hidden)
        spectral_normalize(self)


class SNDCGANDiscriminator(DCGANDiscriminator):
    """:class:`DCGANDiscriminator` with spectral normalisation on its convolutions and head (pair ``"sn_dcgan"``)."""

    kind = "sn_dcgan"

    def __init__(self, width: int = 64) -> None:
        super().__init__(width=width)
        spectral_normalize(self)


# --- the conditional pair (notebook 10) ---------------------------------------------------------------------------

EMBED_DIM = 16  # width of the learned label embedding of the conditional pair: 10 classes need few dimensions


def _check_labels(y: Tensor, batch: int) -> Tensor:
    if y.shape != (batch,):
        raise ValueError(msg("model_bad_labels", batch=batch, shape=tuple(y.shape)))
    return y.long()


class ConditionalGenerator(_Spec):
    """(z (B, latent_dim), y (B,) class ids) -> image (B, 1, 28, 28): G(z, y) of a conditional GAN (Mirza &
    Osindero 2014).

    The label is looked up in a learned embedding (B, embed_dim), concatenated to z and fed to an MLP generator
    (same layers as :class:`MLPGenerator`). ``y=None`` asks for the classes in turn (0, 1, ..., 9, 0, ...), so a
    plain ``G(z)`` (e.g. ``python -m ganedu sample``) still draws a labelled grid.
    """

    kind = "cgan"

    def __init__(self, latent_dim: int = 100, num_classes: int = 10, embed_dim: int = EMBED_DIM,
                 hidden: tuple[int, ...] = (128, 256, 512, 1024), out_shape: tuple[int, ...] = (1, 28, 28)) -> None:
        super().__init__()
        self._remember(latent_dim=latent_dim, num_classes=num_classes, embed_dim=embed_dim, hidden=list(hidden),
                       out_shape=list(out_shape))
        self.latent_dim, self.num_classes = latent_dim, num_classes
        self.out_shape = tuple(out_shape)
        self.embed = nn.Embedding(num_classes, embed_dim)
        self.body = MLPGenerator(latent_dim=latent_dim + embed_dim, hidden=hidden, out_shape=out_shape)

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        if y is None:
            y = torch.arange(z.shape[0], device=z.device) % self.num_classes
        y = _check_labels(y, z.shape[0])
        return self.body(torch.cat([z, self.embed(y)], dim=1))  # (B, latent_dim + embed_dim) -> (B, 1, 28, 28)


class ConditionalDiscriminator(_Spec):
    """(x (B, 1, 28, 28), y (B,)) -> logit (B, 1): is x a real digit *of class y*?

    The flattened image and a learned label embedding (B, embed_dim) are concatenated and fed to an MLP
    discriminator. A real 3 shown with the label 7 is "fake" for this D, which is what forces G to draw the
    digit it is asked for.
    """

    kind = "cgan"

    def __init__(self, num_classes: int = 10, embed_dim: int = EMBED_DIM, in_shape: tuple[int, ...] = (1, 28, 28),
                 hidden: tuple[int, ...] = (512, 256)) -> None:
        super().__init__()
        self._remember(num_classes=num_classes, embed_dim=embed_dim, in_shape=list(in_shape), hidden=list(hidden))
        self.num_classes = num_classes
        self.embed = nn.Embedding(num_classes, embed_dim)
        self.body = MLPDiscriminator(in_shape=(math.prod(in_shape) + embed_dim,), hidden=hidden)

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        if y is None:
            raise ValueError(msg("model_needs_labels"))
        y = _check_labels(y, x.shape[0])
        return self.body(torch.cat([x.flatten(1), self.embed(y)], dim=1))  # (B, 784 + embed_dim) -> (B, 1)


# --- the pairs by name --------------------------------------------------------------------------------------------

#: Model pairs by name: ``kind -> (generator class, discriminator class)``.
PAIRS: dict[str, tuple[type[_Spec], type[_Spec]]] = {
    "mlp": (MLPGenerator, MLPDiscriminator),
    "dcgan": (DCGANGenerator, DCGANDiscriminator),
    "sn_mlp": (MLPGenerator, SNMLPDiscriminator),
    "sn_dcgan": (DCGANGenerator, SNDCGANDiscriminator),
    "cgan": (ConditionalGenerator, ConditionalDiscriminator),
}


def _check_kind(kind: str) -> None:
    if kind not in PAIRS:
        raise ValueError(msg("bad_model", value=kind, choices=", ".join(sorted(PAIRS))))


def build_generator(kind: str = "mlp", **kwargs: object) -> nn.Module:
    """The generator of pair ``kind`` ("mlp" or "dcgan"), built with ``kwargs`` (e.g. a saved ``.spec``)."""
    _check_kind(kind)
    return PAIRS[kind][0](**kwargs)


def build_discriminator(kind: str = "mlp", **kwargs: object) -> nn.Module:
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
        raise ValueError(msg("model_bad_role", value=role))
    return PAIRS[kind][0 if role == "generator" else 1](**spec)


# --- using a network: its size, eval mode, samples, latent paths --------------------------------------------------


def loaded(build: Callable[[], nn.Module], state: dict) -> nn.Module:
    """``build()`` a net and load ``state`` into it, without drawing from torch's global generator: the initial
    weights are replaced anyway, and what a seeded notebook draws next must not depend on whether it loaded a file."""
    with torch.random.fork_rng(devices=[]):
        net = build()
    net.load_state_dict(state)
    return net


def count_parameters(net: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


@contextmanager
def evaluating(*nets: nn.Module) -> Iterator[None]:
    """Run the block with ``nets`` in eval mode (BatchNorm uses its running statistics), then restore each mode."""
    modes = [net.training for net in nets]
    for net in nets:
        net.eval()
    try:
        yield
    finally:
        for net, mode in zip(nets, modes):
            net.train(mode)


SAMPLE_SEED = 12345  # noise for measurements comes from its own generator: every run is shown the same z


def truncated_noise(n: int, dim: int, threshold: float | None = None,
                    generator: torch.Generator | None = None) -> Tensor:
    """(n, dim) float32 noise from N(0, I) truncated to |z_i| <= ``threshold``: the truncation trick (Brock,
    Donahue & Simonyan 2019, BigGAN). Each coordinate outside the bound is drawn again until it falls inside, so
    every coordinate follows N(0, 1) conditioned on |z_i| <= threshold (variance 1 - 2τφ(τ)/(2Φ(τ) - 1) for τ =
    threshold). ``threshold=None`` (or inf) is plain ``torch.randn``: the same numbers from the same generator.
    A smaller threshold keeps z near the centre, where samples tend to be more typical and less varied.
    """
    if threshold is not None and not threshold > 0:  # also refuses NaN
        raise ValueError(msg("model_bad_truncation", value=threshold))
    z = torch.randn(n, dim, generator=generator)
    if threshold is None or math.isinf(threshold):
        return z
    outside = z.abs() > threshold
    while outside.any():  # each pass redraws the coordinates still outside; acceptance 2Φ(τ) - 1 per draw
        z[outside] = torch.randn(int(outside.sum()), generator=generator)
        outside = z.abs() > threshold
    return z


@torch.no_grad()
def sample(generator: nn.Module, n: int, seed: int = SAMPLE_SEED, labels: Tensor | None = None,
           batch: int = 1000, truncation: float | None = None) -> Tensor:
    """``n`` outputs of ``generator`` in eval mode, as a float32 CPU tensor, from noise seeded with ``seed``.

    The noise is drawn on the CPU (the same z on every device), then moved to the generator's device in batches
    of ``batch``. A conditional generator gets ``labels`` (n,), default: classes in turn (0, 1, ..., 9, 0, ...).
    ``truncation``: draw z from :func:`truncated_noise` with this threshold (None: the plain normal).
    """
    device = next(generator.parameters()).device
    z = truncated_noise(n, generator.latent_dim, truncation, generator=torch.Generator().manual_seed(seed))
    conditional = labels is not None or isinstance(generator, ConditionalGenerator)  # labels given: G(z, y)
    if conditional and labels is None:
        labels = torch.arange(n) % generator.num_classes
    chunks = []
    with evaluating(generator):
        for i in range(0, n, batch):
            zb = z[i: i + batch].to(device)
            out = generator(zb, labels[i: i + batch].to(device)) if conditional else generator(zb)
            chunks.append(out.float().cpu())
    return torch.cat(chunks)


def interpolate(z0: Tensor, z1: Tensor, steps: int = 9, mode: str = "spherical") -> Tensor:
    """Points on a path from latent vector z0 to z1 (both (d,)): shape (steps, d), endpoints included.

    linear:    z(t) = (1 - t) z0 + t z1
    spherical: z(t) = sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,  cos Ω = z0·z1 / (|z0| |z1|)   (slerp)

    In d = 100 dimensions N(0, I) noise has norm close to √d = 10, and two draws are nearly orthogonal, so the
    linear midpoint has norm about √(d/2) ≈ 7: a region the generator almost never saw in training. Slerp moves
    along the great circle instead (White 2016, "Sampling generative networks"); between vectors of equal norm it
    keeps that norm all the way. Nearly parallel vectors (Ω ≈ 0) fall back to the linear path.
    """
    if mode not in ("linear", "spherical"):
        raise ValueError(msg("model_bad_path_mode", value=mode))
    if z0.shape != z1.shape or z0.ndim != 1:
        raise ValueError(msg("model_bad_endpoints", a=tuple(z0.shape), b=tuple(z1.shape)))
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(msg("model_bad_path_steps", value=steps))
    t = torch.linspace(0, 1, steps, dtype=z0.dtype, device=z0.device)[:, None]  # (steps, 1)
    if mode == "spherical":
        cos = torch.dot(z0, z1) / (z0.norm() * z1.norm()).clamp_min(1e-12)
        omega = torch.arccos(cos.clamp(-1.0, 1.0))
        if float(omega) > 1e-4:
            return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
    return (1 - t) * z0 + t * z1
