"""ganedu.lessons.check: a notebook claim prints ✓ when its numbers show it and fails loudly when they do not."""

from __future__ import annotations

import pytest

from ganedu import messages
from ganedu.lessons import check


@pytest.fixture
def claim(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(messages.EN, "claim_test_bigger", "a is bigger than b: {a} > {b}")
    return "claim_test_bigger"


def test_a_claim_that_holds_prints_its_text_with_the_values(claim: str, capsys: pytest.CaptureFixture) -> None:
    check.that(3 > 2, claim, a=3, b=2)
    assert capsys.readouterr().out.strip() == "✓ a is bigger than b: 3 > 2"


def test_a_claim_that_does_not_hold_raises_with_the_claim(claim: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(check.ClaimFailed, match="a is bigger than b: 1 > 2"):
        check.that(1 > 2, claim, a=1, b=2)
    assert capsys.readouterr().out == ""  # no ✓ printed for a failed claim


def test_a_claim_failure_is_an_assertion_error_so_nbval_reports_it(claim: str) -> None:
    with pytest.raises(AssertionError):
        check.that(False, claim, a=0, b=0)


def test_an_unknown_claim_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        check.that(True, "claim_no_such_key")
