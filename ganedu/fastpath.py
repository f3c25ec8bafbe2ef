"""The trainer's speed machinery: learning rates as device tensors, and CUDA graphs of the step functions.

On the fast path Adam reads its learning rate from a device tensor that ``LearningRates.apply`` changes in place,
so a captured graph stays valid when a learner turns the lr knob. ``StepGraphs`` captures each step function once
(a D step, and per generator loss the last D step + G step + metrics record) and replays it after; a step replays
the D graph k - 1 times, so no knob ever forces a re-capture. Without CUDA, ``StepGraphs`` simply calls the function.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from .snapshots import Snapshots

__internal__ = True  # a part of the trainer (ganedu.train), not an entry point of its own


def adam(net: nn.Module, lr: float, betas: tuple[float, float], fast: bool, graphs: bool,
         device: torch.device) -> torch.optim.Adam:
    """Adam over ``net``'s trainable parameters: float lr (eager), or a device-tensor lr and fused kernels (fast)."""
    params = [p for p in net.parameters() if p.requires_grad]
    if fast:  # tensor lr: changed in place with fill_, read by the captured kernels
        return torch.optim.Adam(params, lr=torch.tensor(lr, device=device), betas=betas, fused=True,
                                capturable=graphs)
    return torch.optim.Adam(params, lr=lr, betas=betas)


class LearningRates:
    """Moves the lr knobs into the two optimizers when they change: in place for tensors, so graphs stay valid."""

    def __init__(self, opt_d: torch.optim.Optimizer, opt_g: torch.optim.Optimizer) -> None:
        self.opts = (opt_d, opt_g)
        self.applied: tuple[float, float] | None = None  # (lr_d, lr_g) now inside the optimizers; None: unknown

    def apply(self, lr_d: float, lr_g: float) -> None:
        if (lr_d, lr_g) == self.applied:
            return
        for opt, lr in zip(self.opts, (lr_d, lr_g)):
            for group in opt.param_groups:
                if isinstance(group["lr"], Tensor):
                    group["lr"].fill_(lr)
                else:
                    group["lr"] = lr
        self.applied = (lr_d, lr_g)

    @staticmethod
    def load(opt: torch.optim.Optimizer, state: dict) -> None:
        """``opt.load_state_dict(state)`` that keeps ``opt``'s own lr objects (tensors that graphs read, or floats)."""
        own = [group["lr"] for group in opt.param_groups]
        opt.load_state_dict(state)
        for group, lr in zip(opt.param_groups, own):
            group["lr"] = lr

    @staticmethod
    def plain(opt_state: dict) -> dict:
        """Optimizer state with lr tensors turned into floats, so a CPU trainer can load a GPU run."""
        out = dict(opt_state)
        out["param_groups"] = [{k: (float(v) if k == "lr" and isinstance(v, Tensor) else v) for k, v in g.items()}
                               for g in opt_state["param_groups"]]
        return out


class StepGraphs:
    """Runs step functions by name: eagerly, or (CUDA fast path) by replaying a graph captured on first use."""

    def __init__(self, enabled: bool, tf32: bool, rng: torch.Generator, state: Snapshots) -> None:
        self.enabled = enabled  # capture and replay (needs a CUDA device)
        self.tf32 = tf32  # capture TensorFloat-32 matrix products
        self.rng = rng  # the trainer's generator: the graphs draw from it, a warm-up must not advance it
        self.state = state  # the training state: a warm-up's updates are undone from a snapshot of it
        self.graphs: dict[str, torch.cuda.CUDAGraph] = {}

    def __len__(self) -> int:
        return len(self.graphs)

    def run(self, name: str, fn: Callable[[], None]) -> None:
        if not self.enabled:
            fn()
            return
        graph = self.graphs.get(name)
        if graph is None:
            graph = self.capture(name, fn)
        graph.replay()

    def ensure(self, name: str, fn: Callable[[], None]) -> None:
        """Capture ``fn`` now if it is not yet (so a later call captures nothing)."""
        if self.enabled and name not in self.graphs:
            self.capture(name, fn)

    def clear(self) -> None:
        """Forget every graph (after new optimizer-state tensors replaced the captured ones)."""
        self.graphs.clear()

    def capture(self, name: str, fn: Callable[[], None]) -> torch.cuda.CUDAGraph:
        """Warm up ``fn`` on a side stream, undo the warm-up, then capture it as a CUDA graph."""
        saved, rng = self.state.take(), self.rng.get_state()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):  # builds optimizer state and cuBLAS workspaces outside the capture
                fn()
        torch.cuda.current_stream().wait_stream(side)
        self.state.restore(saved)  # warm-up steps must not count as training
        self.rng.set_state(rng)
        graph = torch.cuda.CUDAGraph()
        graph.register_generator_state(self.rng)
        tf32 = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = self.tf32  # baked into the captured kernels only
        try:
            with torch.cuda.graph(graph):
                fn()
        finally:
            torch.backends.cuda.matmul.allow_tf32 = tf32
        self.graphs[name] = graph
        return graph
