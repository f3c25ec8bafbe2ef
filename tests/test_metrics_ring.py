"""The device-side metrics ring: rows appended without a host sync, read back in order, then emptied."""

import math

import pytest
import torch

from ganedu.metrics_ring import FIELDS, MetricsRing


def test_rows_are_read_back_in_order_with_the_recorded_values():
    ring = MetricsRing(4, torch.device("cpu"))
    for i in range(3):
        real, fake = torch.full((2, 1), float(i)), torch.full((2, 1), -float(i))
        ring.set_d(torch.tensor(0.5 + i), real, fake, torch.zeros(2, 2))
        ring.set_g(torch.tensor(10.0 + i))
        ring.record()
    rows = ring.read(3)
    assert [r["d_loss"] for r in rows] == [0.5, 1.5, 2.5] and [r["g_loss"] for r in rows] == [10.0, 11.0, 12.0]
    sigmoid = 1 / (1 + math.exp(-2.0))
    assert rows[2]["d_real"] == pytest.approx(sigmoid) and rows[2]["d_fake"] == pytest.approx(1 - sigmoid)
    assert all(r["fakes_finite"] == 1.0 for r in rows) and set(rows[0]) == set(FIELDS)
    assert int(ring.slot) == 0  # emptied: the next row goes to the front


def test_nonfinite_fakes_are_flagged():
    ring = MetricsRing(2, torch.device("cpu"))
    fakes = torch.zeros(2, 3)
    fakes[1, 2] = float("nan")
    ring.set_d(torch.tensor(0.0), torch.zeros(2, 1), torch.zeros(2, 1), fakes)
    ring.set_g(torch.tensor(0.0))
    ring.record()
    assert ring.read(1)[0]["fakes_finite"] == 0.0
