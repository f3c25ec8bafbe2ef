"""ganedu.lessons.exercises: every checker accepts its reference answer, rejects its wrong one with a hint, and
answers "not yet" (no exception) to an empty answer; the closed forms agree with the library."""

from __future__ import annotations

import inspect
import re

import pytest
import torch

from ganedu import losses, metrics, models
from ganedu.interface import env
from ganedu.lessons import exercises
from ganedu.messages import msg

NAMES = list(exercises.REGISTRY)
CORRECT = msg("check_ok", detail="")  # "Correct! "
NOT_YET = msg("check_wrong", detail="")  # "Not yet: "


def _run(check, answer, capsys) -> tuple[bool, str]:
    result = check(answer)
    return result, capsys.readouterr().out.strip()


def test_every_public_checker_is_registered():
    public = {name for name, fn in vars(exercises).items() if name.startswith("check_") and inspect.isfunction(fn)}
    assert public == set(NAMES) and len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_reference_answer_is_correct(name, capsys):
    ex = exercises.REGISTRY[name]
    ok, out = _run(ex.check, ex.reference(), capsys)
    assert ok is True
    assert out.startswith(CORRECT.strip()) and len(out) > len(CORRECT) + 10  # praise plus an explanation


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answer_is_rejected_with_a_hint(name, capsys):
    ex = exercises.REGISTRY[name]
    _, praise = _run(ex.check, ex.reference(), capsys)
    ok, out = _run(ex.check, ex.wrong(), capsys)
    assert ok is False
    assert out.startswith(NOT_YET.strip())
    hint = out[len(NOT_YET):]
    assert len(hint.split()) >= 5  # a sentence that helps, not an empty "Not yet:"
    assert hint != praise[len(CORRECT):]  # the hint does not give the praise (and with it the answer) away


@pytest.mark.parametrize("name", NAMES)
def test_no_answer_yet_is_not_yet_and_does_not_raise(name, capsys):
    ok, out = _run(exercises.REGISTRY[name].check, None, capsys)
    assert ok is False and out.startswith(NOT_YET.strip())


def test_checkers_are_in_course_order():
    # each docstring starts with its notebook's number; registration follows the source, so the file reads 00 -> 10
    lessons = [int(re.match(r"(\d\d):", exercises.REGISTRY[n].check.__doc__).group(1)) for n in NAMES]
    assert lessons == sorted(lessons) and set(lessons) == set(range(0, 11))


def test_verdict_prints_and_returns_it(capsys):
    assert exercises.verdict(True, "x") is True and capsys.readouterr().out == msg("check_ok", detail="x") + "\n"
    assert exercises.verdict(False, "y") is False and capsys.readouterr().out == msg("check_wrong", detail="y") + "\n"


def test_a_function_answer_that_raises_is_a_wrong_answer(capsys):
    def broken(loader_ms, gpu_ms):
        raise ZeroDivisionError("oops")

    ok, out = _run(exercises.check_loader_bound, broken, capsys)
    assert ok is False and "ZeroDivisionError" in out and "oops" in out


def test_host_syncs_names_an_unknown_choice(capsys):
    ok, out = _run(exercises.check_host_syncs, {"loss.item()", "time.sleep(1)"}, capsys)
    assert ok is False and "time.sleep(1)" in out and "SYNC_CHOICES" in out


def test_answers_match_the_library():
    # the closed forms the checkers hold, recomputed with the library's own functions
    w = torch.zeros(1, 28, 28)
    w[0, 0, 0] = 3.0  # a linear critic f(x) = w·x with ||w|| = 3
    critic = lambda x: (x * w).flatten(1).sum(dim=1, keepdim=True)  # noqa: E731
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    reference = {name: ex.reference() for name, ex in exercises.REGISTRY.items()}
    assert losses.gradient_penalty(critic, x, x.flip(0)).item() == pytest.approx(reference["check_gp_linear"])
    assert losses.r1_penalty(critic, x, None).item() == pytest.approx(reference["check_r1_linear"])
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    assert models.interpolate(a, b, 3, "linear")[1].norm().item() == pytest.approx(
        reference["check_lerp_midpoint_norm"])
    assert metrics.confidence(torch.eye(10)[[0, 1, 2, 3, 4] * 20]) == pytest.approx(
        reference["check_confidence_half_the_digits"])
    work = env.LessonWork(gan_steps=env.MNIST_LESSON.gan_steps, classifier_steps=0, figures=0)
    assert env.lesson_seconds(work, 2.0 / 20, 0.0, 0.0) == pytest.approx(reference["check_lesson_seconds"])
