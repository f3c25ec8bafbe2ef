"""Visible checks of what a notebook's prose claims: ``ge.check.that(condition, "claim_key", **values)``.

A sentence in a notebook that states a measured result is followed by one such line. It prints ``✓`` and the
claim, filled in with the measured values, when the condition holds; otherwise it raises ``ClaimFailed``, so a
notebook whose prose no longer matches its numbers fails under nbval (CI) instead of misleading a learner.
The claim's words come from the message table (key ``claim_...``), so a translated notebook shares the code cell.
"""

from __future__ import annotations

from ..messages import msg


class ClaimFailed(AssertionError):
    """A notebook's prose states something its own numbers do not show."""


def that(condition: object, claim: str, /, **values: object) -> None:
    """Print ``✓ <claim>`` when ``condition`` is true, else raise ``ClaimFailed`` naming the claim and values.

    ``claim`` is a key of ``ganedu.messages`` (by convention ``claim_<notebook>_<what>``); ``values`` fill its
    fields, e.g. ``that(d_k5 > d_k1, "claim_05_k5_raises_d_real", before=d_k1, after=d_k5)``.
    """
    text = msg(claim, **values)
    if not bool(condition):
        raise ClaimFailed(msg("claim_failed", claim=text))
    print(msg("claim_holds", claim=text))
