"""The plan's history by calendar year (question 668): the asylum surge in intake, and rising referrals.

The asylum wave of autumn 2015 reached the employment service in 2015-2017,
as people were recognised as refugees or given subsidiary protection (or
got a card C while their application ran). Next to a steady intake of other
job seekers, the intake of people who came through asylum rises from about a
seventh of it in 2014 to about as many at the peak, so that the share of
protected statuses among the people in trajectory rises from about 12 % to
about 45 %. Partners refer more and more of them from 2016 on, as the
cooperation agreements with the integration agencies, Fedasil and VVSG take
hold (answer 4a: "in stijgende lijn").
"""

from __future__ import annotations

import datetime

from .tables import _cumulative, _pick_index

# First intakes through asylum per calendar year, per first intake of the other job seekers.
ASYLUM_INTAKE = {2014: 0.15, 2015: 0.55, 2016: 1.5, 2017: 1.5, 2018: 1.1, 2019: 0.75, 2020: 0.5}
# The share of first intakes a partner referred, by year: (through asylum, others).
REFERRED = {2014: (0.12, 0.05), 2015: (0.14, 0.05), 2016: (0.24, 0.06), 2017: (0.34, 0.07), 2018: (0.42, 0.08)}


def _of_year(table: dict, year: int):
    """The table's value for `year`; before its first year the first one's, after its last the last one's."""
    return table[min(max(year, min(table)), max(table))]


class IntakeCalendar:
    """Draws first-intake days over the window with the yearly intake, and says who came that year."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.segments: list[tuple[int, int]] = []  # (first day's ordinal, days) per calendar year in the window
        weights = []
        for year in range(start.year, end.year + 1):
            first = max(start, datetime.date(year, 1, 1))
            last = min(end, datetime.date(year, 12, 31))
            days = (last - first).days + 1
            self.segments.append((first.toordinal(), days))
            weights.append(days * (1 + _of_year(ASYLUM_INTAKE, year)))
        self.cumulative = _cumulative(weights)
        self.first_year = start.year

    def day(self, x: float) -> datetime.date:
        """The first-intake day at quantile `x` in [0, 1) of the window's intake."""
        i = _pick_index(self.cumulative, x)
        below = self.cumulative[i - 1] if i else 0.0
        first, days = self.segments[i]
        fraction = (x - below) / (self.cumulative[i] - below)
        return datetime.date.fromordinal(first + min(days - 1, int(fraction * days)))

    @staticmethod
    def asylum_share(year: int) -> float:
        """The share of the year's first intakes that came through asylum."""
        ratio = _of_year(ASYLUM_INTAKE, year)
        return ratio / (1 + ratio)

    @staticmethod
    def referred_share(year: int, asylum: bool) -> float:
        """The share of the year's first intakes (through asylum or not) that a partner referred."""
        return _of_year(REFERRED, year)[0 if asylum else 1]
