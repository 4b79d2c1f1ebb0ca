"""The demo's calendar, relative to the day it is loaded (`today`).

The demo holds five fictitious calls, one a year: three past ones (every step done, but the
bilans and closings that fall after `today`), the call « in instruction » (its deadline a few
weeks ago, its committee sessions ahead) and the next one, open for filing (its deadline
weeks ahead). The call in instruction is the year of `today + INSTRUCTION_LEAD`: from October
on, the committees decide the next year's actions.

Each past call has the dates of the call in instruction, a whole number of years earlier; the
last past one also took dossiers « au fil de l'eau » until its late deadline (`LATE_DEADLINE`).
Every step happens at the latest the day before `today`: nothing is dated after the load.
"""

import datetime
from dataclasses import dataclass

from quartiers.programming.services import shift_year

INSTRUCTION_LEAD = 92  # days: the call in instruction is the year of today + 92 days
PAST_CALLS = 3
LATE_DEADLINE = 70  # days before today: the end of the last past call's filing

days = datetime.timedelta


@dataclass(frozen=True)
class CallDates:
    year: int
    opens_on: datetime.date
    deadline: datetime.date  # at 18:00
    technical_committee_on: datetime.date
    steering_committee_on: datetime.date


@dataclass(frozen=True)
class DemoCalendar:
    today: datetime.date

    @property
    def instruction_year(self) -> int:
        return (self.today + days(INSTRUCTION_LEAD)).year

    @property
    def first_year(self) -> int:
        return self.instruction_year - PAST_CALLS

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.instruction_year + 2))

    @property
    def open_year(self) -> int:
        return self.instruction_year + 1

    def call(self, year: int) -> CallDates:
        """The dates of the call of `year`: the open call's around `today`, the others those
        of the call in instruction shifted by whole years."""
        t = self.today
        if year == self.open_year:
            return CallDates(year, t - days(20), t + days(45), t + days(75), t + days(96))
        back = year - self.instruction_year

        def shifted(offset):
            return shift_year(t + days(offset), back)

        return CallDates(year, shifted(-110), shifted(-25), shifted(12), shifted(33))

    @property
    def start(self) -> datetime.date:
        """The demo's first day: the protocol imported, the people given their roles."""
        return self.call(self.first_year).opens_on - days(30)
