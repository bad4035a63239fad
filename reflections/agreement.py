"""How far two researchers agree in their coding: per code, Cohen's kappa over the reflections
both coded. Per reflection the question is only whether a coder applied the code anywhere in it
(a yes/no judgement per reflection), so two coders who marked different words of the same
reflection with the same code agree.

Pure functions over plain data (no database), so the figures can be checked by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa for one code between two coders over `n` reflections. `kappa` is None
    when it is undefined: both coders said the same of every reflection in a way that leaves
    no room for chance (expected agreement 1, e.g. both applied it everywhere)."""

    n: int
    both: int  # reflections where both applied the code
    only_a: int
    only_b: int
    neither: int
    observed: Fraction
    expected: Fraction

    @property
    def kappa(self) -> Fraction | None:
        if self.expected == 1:
            return None
        return (self.observed - self.expected) / (1 - self.expected)


def cohen_kappa(judgements: Iterable[tuple[bool, bool]]) -> Kappa:
    """Kappa for two coders' yes/no judgements, one (a, b) pair per item."""
    both = only_a = only_b = neither = 0
    for a, b in judgements:
        if a and b:
            both += 1
        elif a:
            only_a += 1
        elif b:
            only_b += 1
        else:
            neither += 1
    n = both + only_a + only_b + neither
    if n == 0:
        raise ValueError("no items to compare")
    observed = Fraction(both + neither, n)
    yes_a = Fraction(both + only_a, n)
    yes_b = Fraction(both + only_b, n)
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    return Kappa(n, both, only_a, only_b, neither, observed, expected)


@dataclass(frozen=True)
class PairAgreement:
    coder_a: object
    coder_b: object
    reflections: int  # how many reflections both coded
    per_code: list[tuple[str, Kappa]]  # (code key, kappa), by code key


# coder → reflection → the code keys that coder applied anywhere in it (a coder who coded a
# reflection has an entry for it, even if it is empty).
Applied = Mapping[object, Mapping[object, set[str]]]


def pair_agreement(applied: Applied, order: list | None = None) -> list[PairAgreement]:
    """For each pair of coders who both coded at least one same reflection: per code that
    either applied in one of those reflections, kappa over the reflections both coded.
    `order` fixes the order of coders (and so of pairs); by default their sorted keys."""
    coders = order if order is not None else sorted(applied)
    pairs = []
    for a, b in combinations(coders, 2):
        shared = sorted(set(applied.get(a, {})) & set(applied.get(b, {})), key=str)
        if not shared:
            continue
        codes = set().union(*(applied[a][r] | applied[b][r] for r in shared))
        per_code = [
            (code, cohen_kappa((code in applied[a][r], code in applied[b][r]) for r in shared))
            for code in sorted(codes)
        ]
        pairs.append(PairAgreement(a, b, len(shared), per_code))
    return pairs


def reflection_agreement(
    applied: Mapping[object, set[str]], order: list | None = None
) -> list[tuple[object, object, list[str], list[str], list[str]]]:
    """For one reflection, coder → codes applied in it: per pair of coders, the codes both
    applied, those only the first applied and those only the second applied."""
    coders = order if order is not None else sorted(applied)
    return [
        (
            a,
            b,
            sorted(applied[a] & applied[b]),
            sorted(applied[a] - applied[b]),
            sorted(applied[b] - applied[a]),
        )
        for a, b in combinations(coders, 2)
    ]
