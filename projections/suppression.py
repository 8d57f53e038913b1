"""Figures as published: small numbers suppressed, so no child can be picked out.

A count of 1 to 4 is shown as suppressed. In a breakdown with a total (referrals by route,
closures by reason), a lone suppressed cell could be recovered by subtracting the others from the
total, so the next smallest non-zero cell is suppressed too (or the total, if there is none).
A percentage is suppressed when the cases it counts, or the cases it leaves out, number 1 to 4;
a median, P90, mean or maximum when it is taken over 1 to 4 values.
"""

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, replace

SMALL = range(1, 5)
ALL = "all"


@dataclass(frozen=True)
class Figure:
    metric: str
    group: str
    value: float | None  # None when suppressed, or when there is nothing to measure
    numerator: int | None = None
    denominator: int | None = None  # for a median, mean, ...: how many values it is taken over
    suppressed: bool = False

    @classmethod
    def of(cls, metric: str, value: float | None, over: int, group: str = ALL) -> "Figure":
        figure = cls(metric, group, value, None, over)
        return figure.hidden() if over in SMALL else figure

    def hidden(self) -> "Figure":
        return replace(self, value=None, numerator=None, denominator=None, suppressed=True)


def count(metric: str, value: int, group: str = ALL) -> Figure:
    figure = Figure(metric, group, value)
    return figure.hidden() if value in SMALL else figure


def counts_of(metric: str, counted: Mapping[str, int]) -> list[Figure]:
    """A count per group (none of them zero) and their total, with secondary suppression."""
    cells = [count(metric, n, group) for group, n in sorted(counted.items())]
    total = count(metric, sum(counted.values()))
    if sum(cell.suppressed for cell in cells) == 1 and not total.suppressed:
        shown = [cell for cell in cells if not cell.suppressed and counted[cell.group] > 0]
        if shown:
            smallest = min(shown, key=lambda cell: (counted[cell.group], cell.group))
            cells = [cell.hidden() if cell is smallest else cell for cell in cells]
        else:
            total = total.hidden()
    return [*cells, total]


def share(metric: str, numerator: int, denominator: int) -> Figure:
    """A percentage, to one decimal place."""
    value = round(100 * numerator / denominator, 1) if denominator else None
    figure = Figure(metric, ALL, value, numerator, denominator)
    if numerator in SMALL or (denominator - numerator) in SMALL:
        return figure.hidden()
    return figure


def measure(metric: str, values: list[float]) -> list[Figure]:
    """The median and P90 (nearest rank) of some durations, in days."""
    middle = float(statistics.median(values)) if values else None
    p90 = percentile(values, 0.9) if values else None
    return [
        Figure.of(f"{metric}_median", middle, len(values)),
        Figure.of(f"{metric}_p90", p90, len(values)),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of all at or below it."""
    ordered = sorted(values)
    return float(ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)])
