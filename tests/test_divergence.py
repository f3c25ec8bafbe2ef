"""Diagnosing a diverged step from its metrics row: the right network named, the exploding-loss warning."""

import math

from ganedu.divergence import EXPLODING, exploding, first_nonfinite_row, loss_cause, weights_cause

NAN = math.nan


def row(step=3, d_loss=0.7, g_loss=0.7, d_real=0.5, lr_d=2e-4, lr_g=1e-3):
    return {"step": step, "d_loss": d_loss, "g_loss": g_loss, "d_real": d_real, "d_fake": 0.5, "lr_d": lr_d,
            "lr_g": lr_g}


def test_first_nonfinite_row():
    assert first_nonfinite_row([row(), row()]) is None
    assert first_nonfinite_row([row(), row(g_loss=math.inf), row(d_loss=NAN)]) == 1


def test_generator_samples_name_the_generator_even_when_the_d_loss_is_nan():
    text = loss_cause(row(d_loss=NAN, g_loss=NAN, d_real=0.5), fakes_finite=False)(2)
    assert "generator's samples" in text and "restored to step 2" in text and "lr_g = 1.0e-04" in text
    assert "discriminator" not in text


def test_discriminator_outputs_name_the_discriminator():
    text = loss_cause(row(d_loss=NAN, g_loss=NAN, d_real=NAN), fakes_finite=True)(0)
    assert "discriminator's outputs on real data" in text and "lr_d = 2.0e-05" in text


def test_a_loss_that_alone_went_bad_is_named():
    assert "the discriminator loss became nan" in loss_cause(row(d_loss=NAN), fakes_finite=True)(1)
    assert "the generator loss became inf" in loss_cause(row(g_loss=math.inf), fakes_finite=True)(1)
    assert "discriminator's running_var" not in weights_cause(5, "generator", "net.3.running_var")(4)
    assert "generator's net.3.running_var" in weights_cause(5, "generator", "net.3.running_var")(4)


def test_exploding_names_the_loss_the_step_and_a_smaller_rate():
    assert exploding([row(), row(d_loss=-EXPLODING)]) is None  # at the bound: not yet
    text = exploding([row(), row(step=9, g_loss=2e15)])
    assert text.startswith("G loss 2e+15 at step 9: the learning rates are too high") and "lr_g = 1.0e-04" in text
    assert exploding([row(g_loss=NAN)]) is None  # non-finite is divergence, not a warning
