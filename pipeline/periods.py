"""Which survey years a Eurostat series exists for: a rule the catalogue states and the data is checked against.

Eurostat's ICT surveys change every year: a module runs in some years only (the AI module: 2021,
2023, 2024, 2025), a code starts or stops (E_AI_PHR: 2021 only; E_AI_TPVSG: from 2025) and an
index changes version with the survey year (digital intensity: v3 in odd years, v4 in even).
A `PeriodRule` says which periods a series is surveyed in, open-ended where Eurostat has not
said it stopped, so next year's data is expected rather than a surprise.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

FIRST_YEAR, LAST_YEAR = 1990, 2100


class PeriodRule(BaseModel):
    """Survey years `from`..`to` (either open), every `step` years counted from `from`, less `except`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: int | None = Field(None, alias="from", ge=FIRST_YEAR, le=LAST_YEAR,
                              description="first survey year (open when absent)")
    last: int | None = Field(None, alias="to", ge=FIRST_YEAR, le=LAST_YEAR,
                             description="last survey year (open when absent: the series is expected to go on)")
    step: int = Field(1, ge=1, le=5, description="2 = every other year counted from `from`")
    skipped: tuple[int, ...] = Field((), alias="except", description="years the survey did not ask this")

    @model_validator(mode="after")
    def _consistent(self) -> "PeriodRule":
        if self.first is not None and self.last is not None and self.first > self.last:
            raise ValueError(f"'from' {self.first} is after 'to' {self.last}")
        if self.step > 1 and self.first is None:
            raise ValueError("'step' needs 'from' (the year the alternation is counted from)")
        return self

    def covers(self, period: int) -> bool:
        period = int(period)
        if self.first is not None and period < self.first:
            return False
        if self.last is not None and period > self.last:
            return False
        if self.step > 1 and (period - self.first) % self.step:
            return False
        return period not in self.skipped

    def years(self, first: int, last: int) -> list[int]:
        """The covered years within first..last."""
        return [p for p in range(first, last + 1) if self.covers(p)]

    def why_not(self, period: int) -> str | None:
        """Why `period` is not covered, in words a report can print; None when it is."""
        period = int(period)
        if self.covers(period):
            return None
        if self.first is not None and period < self.first:
            return f"first surveyed in {self.first}"
        if self.last is not None and period > self.last:
            return f"last surveyed in {self.last}"
        return f"not surveyed in {period} ({self.describe()})"

    def describe(self) -> str:
        if self.first is not None and self.first == self.last:
            text = f"{self.first} only"
        else:
            every = "every year" if self.step == 1 else f"every {self.step} years"
            span = (f"from {self.first}" if self.first is not None else "") + (
                f" to {self.last}" if self.last is not None else "")
            text = f"{every} {span.strip()}".strip()
        if self.skipped:
            text += ", not " + ", ".join(str(p) for p in sorted(self.skipped))
        return text


EVERY_YEAR = PeriodRule()
