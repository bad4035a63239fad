"""Cohen's kappa between two coders (reflections/agreement.py), against figures worked out by
hand and a textbook example."""

from fractions import Fraction

import pytest

from reflections.agreement import cohen_kappa, pair_agreement, reflection_agreement


def judgements(both, only_a, only_b, neither):
    return (
        [(True, True)] * both
        + [(True, False)] * only_a
        + [(False, True)] * only_b
        + [(False, False)] * neither
    )


def test_the_textbook_example():
    """Wikipedia's "Cohen's kappa", simple example: 50 proposals, both yes 20, A yes B no 5,
    A no B yes 10, both no 15: po = 0.7, pe = 0.5, kappa = 0.4."""
    figure = cohen_kappa(judgements(20, 5, 10, 15))
    assert figure.n == 50
    assert figure.observed == Fraction(7, 10)
    assert figure.expected == Fraction(1, 2)
    assert figure.kappa == Fraction(2, 5)


def test_hand_computed():
    # 4 reflections: both 1, only A 1, neither 2. po = 3/4; A yes 1/2, B yes 1/4;
    # pe = 1/2·1/4 + 1/2·3/4 = 1/2; kappa = (3/4 − 1/2) / (1/2) = 1/2.
    figure = cohen_kappa(judgements(1, 1, 0, 2))
    assert (figure.observed, figure.expected, figure.kappa) == (
        Fraction(3, 4),
        Fraction(1, 2),
        Fraction(1, 2),
    )
    # Full disagreement on a balanced code: kappa −1.
    assert cohen_kappa(judgements(0, 1, 1, 0)).kappa == -1
    # Full agreement with variation: kappa 1.
    assert cohen_kappa(judgements(2, 0, 0, 3)).kappa == 1


@pytest.mark.parametrize("counts", [(3, 0, 0, 0), (0, 0, 0, 3)])
def test_undefined_when_chance_explains_everything(counts):
    figure = cohen_kappa(judgements(*counts))
    assert figure.expected == 1
    assert figure.observed == 1
    assert figure.kappa is None


def test_no_items():
    with pytest.raises(ValueError):
        cohen_kappa([])


def test_pairs_only_over_reflections_both_coded():
    applied = {
        "a": {1: {"role:faciliteren"}, 2: {"role:faciliteren"}, 3: {"role:loslaten"}, 9: set()},
        "b": {1: {"role:faciliteren"}, 2: set(), 3: {"role:loslaten", "role:faciliteren"}},
        "c": {7: {"role:sturen"}},  # shares no reflection with a or b: no pair
    }
    pairs = pair_agreement(applied)
    assert [(p.coder_a, p.coder_b, p.reflections) for p in pairs] == [("a", "b", 3)]
    per_code = dict(pairs[0].per_code)
    assert sorted(per_code) == ["role:faciliteren", "role:loslaten"]
    # faciliteren over 1, 2, 3: (yes, yes), (yes, no), (no, yes): po 1/3; both say yes 2/3, so
    # pe = 2/3·2/3 + 1/3·1/3 = 5/9; kappa = (1/3 − 5/9) / (4/9) = −1/2.
    assert per_code["role:faciliteren"].kappa == Fraction(-1, 2)
    # loslaten: (no, no), (no, no), (yes, yes): kappa 1.
    assert per_code["role:loslaten"].kappa == 1


def test_one_reflection():
    rows = reflection_agreement({"a": {"x", "y"}, "b": {"y", "z"}})
    assert rows == [("a", "b", ["y"], ["x"], ["z"])]
