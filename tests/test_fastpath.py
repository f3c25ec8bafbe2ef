"""The speed machinery without a GPU: in-place learning-rate tensors, checkpoint floats, the no-capture path."""

import pytest
import torch

from ganedu.fastpath import LearningRates, StepGraphs, adam
from ganedu.snapshots import Snapshots


def test_learning_rate_tensors_change_in_place():
    net = torch.nn.Linear(2, 1)
    opt = adam(net, 1e-3, (0.5, 0.999), fast=True, graphs=False, device=torch.device("cpu"))
    lr = opt.param_groups[0]["lr"]
    assert isinstance(lr, torch.Tensor)
    lrs = LearningRates(opt, opt)
    lrs.apply(5e-4, 5e-4)
    assert opt.param_groups[0]["lr"] is lr and float(lr) == pytest.approx(5e-4)  # same tensor (graphs read it)


def test_eager_learning_rates_are_floats():
    opt_d = adam(torch.nn.Linear(2, 1), 1e-3, (0.5, 0.999), fast=False, graphs=False, device=torch.device("cpu"))
    opt_g = adam(torch.nn.Linear(2, 1), 1e-3, (0.5, 0.999), fast=False, graphs=False, device=torch.device("cpu"))
    LearningRates(opt_d, opt_g).apply(1e-4, 3e-4)
    assert opt_d.param_groups[0]["lr"] == 1e-4 and opt_g.param_groups[0]["lr"] == 3e-4


def test_plain_and_load_keep_the_optimizers_own_lr_tensor():
    net = torch.nn.Linear(2, 1)
    opt = adam(net, 1e-3, (0.5, 0.999), fast=True, graphs=False, device=torch.device("cpu"))
    own = opt.param_groups[0]["lr"]
    saved = LearningRates.plain(opt.state_dict())
    assert saved["param_groups"][0]["lr"] == pytest.approx(1e-3) and isinstance(saved["param_groups"][0]["lr"], float)
    LearningRates.load(opt, saved)
    assert opt.param_groups[0]["lr"] is own


def test_without_graphs_a_step_function_just_runs():
    x = torch.zeros(1)
    steps = StepGraphs(False, True, torch.Generator(), Snapshots(lambda: {"x": x}))
    steps.ensure("add", lambda: x.add_(1))
    steps.run("add", lambda: x.add_(1))
    steps.run("add", lambda: x.add_(1))
    assert float(x) == 2 and len(steps) == 0
