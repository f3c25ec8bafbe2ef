"""Knob: one declared mechanism for the trainer's live settings — checked on set, kept per instance."""

import pytest

from ganedu.knobs import K_MAX, Knob, check_k, check_loss, check_lr, check_positive_int


class Box:
    k = Knob(check_k)
    lr = Knob(check_lr("lr"))


def test_a_knob_checks_on_set_and_keeps_the_checked_value_per_instance():
    a, b = Box(), Box()
    a.k, b.k = 3, 7
    a.lr = "2e-4"  # a number written as text is kept as the float it names
    assert (a.k, b.k, a._k) == (3, 7, 3) and a.lr == 2e-4 and isinstance(a.lr, float)
    with pytest.raises(ValueError, match="got 0"):
        a.k = 0
    assert a.k == 3  # a refused value leaves the knob as it was
    assert isinstance(Box.k, Knob) and Box.k.name == "k"


@pytest.mark.parametrize("value", [1, 50, K_MAX])
def test_k_in_range(value):
    assert check_k(value) == value


@pytest.mark.parametrize("value, match", [(0, ">= 1"), (K_MAX + 1, f"at most {K_MAX}"), (2.0, ">= 1"), (True, ">= 1")])
def test_k_out_of_range(value, match):
    with pytest.raises(ValueError, match=match):
        check_k(value)


def test_lr_loss_and_counts():
    with pytest.raises(ValueError, match="lr_g must be a positive finite number"):
        check_lr("lr_g")(float("inf"))
    assert check_loss("minimax") == "minimax"
    with pytest.raises(ValueError, match="unknown generator loss"):
        check_loss(["minimax"])
    with pytest.raises(ValueError, match="steps must be a positive whole number, got 2.5"):
        check_positive_int("steps", 2.5)
