"""The statistics behind journey results: intervals, a two-proportion test and a sample-size estimate.

Every figure is a 95 % one (two-sided, α = 0.05); the power estimate asks for 80 % power. What each
function computes is written out in docs/metrics.md ("Journey results").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05
POWER = 0.80
# scipy.stats.norm.ppf(1 - ALPHA / 2) and .ppf(POWER), written out: importing scipy.stats costs ≈ 2 s, so it is
# imported when a test is computed, not when the app starts (tests/reliability/test_journey_results.py checks)
Z = 1.959963984540054
Z_POWER = 0.8416212335729143
FISHER_BELOW = 5  # an expected cell count under this: Fisher's exact test instead of the chi-square


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Comparison:
    """Two proportions compared: the p-value and which test gave it."""

    p_value: float
    test: str  # "chi2" (Pearson, no continuity correction) or "fisher" (exact, for small counts)


def wilson(successes: int, total: int) -> Interval | None:
    """The Wilson score interval of a proportion (scipy's binomtest); None without any observation."""
    if total <= 0:
        return None
    from scipy import stats as scipy_stats

    found = scipy_stats.binomtest(successes, total).proportion_ci(confidence_level=1 - ALPHA, method="wilson")
    return Interval(float(found.low), float(found.high))


def compare(k1: int, n1: int, k2: int, n2: int) -> Comparison:
    """Whether two conversion rates differ: Pearson's chi-square on the 2×2 table (the two-proportion z-test
    squared), or Fisher's exact test when an expected count is under 5. A table with an empty row or column
    (nobody at all, everyone or no one converted) shows no difference: p = 1."""
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    converted, total = k1 + k2, n1 + n2
    if n1 <= 0 or n2 <= 0 or converted in (0, total):
        return Comparison(1.0, "chi2")
    expected = min(n1, n2) * min(converted, total - converted) / total
    from scipy import stats as scipy_stats

    if expected < FISHER_BELOW:
        return Comparison(float(scipy_stats.fisher_exact(table).pvalue), "fisher")
    result = scipy_stats.chi2_contingency(table, correction=False)
    return Comparison(float(result.pvalue), "chi2")


def needed_per_arm(p1: float, p2: float) -> int | None:
    """Customers each arm needs for a two-sided test at α = 0.05 to find the difference p1 − p2 with 80 %
    power (the normal approximation for two proportions); None when the rates are equal."""
    if p1 == p2:
        return None
    mean = (p1 + p2) / 2
    top = Z * math.sqrt(2 * mean * (1 - mean)) + Z_POWER * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top * top / ((p1 - p2) ** 2))


def detectable(rate: float, per_arm: int) -> float | None:
    """The smallest difference (as a proportion) two arms of `per_arm` customers at base rate `rate` find
    with 80 % power at α = 0.05."""
    if per_arm <= 0:
        return None
    return (Z + Z_POWER) * math.sqrt(2 * rate * (1 - rate) / per_arm)


def difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, Interval] | None:
    """p1 − p2 with Newcombe's hybrid score interval (method 10: from the two Wilson intervals)."""
    first, second = wilson(k1, n1), wilson(k2, n2)
    if first is None or second is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    diff = p1 - p2
    low = diff - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = diff + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return diff, Interval(low, high)


def mean_difference(sum1: float, squares1: float, n1: int, sum2: float, squares2: float,
                    n2: int) -> tuple[float, Interval] | None:
    """The difference of two means (revenue per customer) with a normal interval on Welch's standard error:
    mean1 − mean2 ± 1.96 · √(s1²/n1 + s2²/n2), from each group's count, sum and sum of squares."""
    if n1 < 2 or n2 < 2:
        return None
    mean1, mean2 = sum1 / n1, sum2 / n2
    var1 = max(0.0, (squares1 - n1 * mean1 * mean1) / (n1 - 1))
    var2 = max(0.0, (squares2 - n2 * mean2 * mean2) / (n2 - 1))
    error = math.sqrt(var1 / n1 + var2 / n2)
    diff = mean1 - mean2
    return diff, Interval(diff - Z * error, diff + Z * error)
