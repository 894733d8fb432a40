"""The release-date, remission and integration-rights engine. Pure: no I/O, no clock.

Every result carries the list of steps it took: the rule, the regulation it comes from, and what
it found, so an officer (or a court) can follow how a date was reached. Conventions are stated
in the README ("Engine conventions") and pinned by the golden files in tests/golden/.

A batch over the national register needs only the outcome and the reasons: an engine made with
`explain=False` keeps the failed rules and never formats a finding (findings are given as
callables for that reason). Both modes take the same decisions; the tests compare them.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pas_remission.domain.calendar import (
    NO_TIME,
    Span,
    add_months,
    add_span,
    fraction_of,
    served_at_least,
    served_more_than,
    subtract_span,
)
from pas_remission.domain.holidays import HolidayCalendar, default_holidays
from pas_remission.domain.rules import RuleBook, RuleSet, default_rules, span_of


class SentenceKind(StrEnum):
    TERM = "term"
    LIFE = "life"
    DEATH = "death"


class Occasion(StrEnum):
    UMUM = "remisi-umum"
    KHUSUS = "remisi-khusus"
    DASAWARSA = "remisi-dasawarsa"
    TAMBAHAN = "remisi-tambahan"
    KEMANUSIAAN = "remisi-kemanusiaan"


@dataclass(frozen=True)
class Grant:
    occasion: Occasion
    on: date
    amount: Span


@dataclass(frozen=True)
class AtLarge:
    """Time at large (escape to recapture): not served, and it pushes the expiration back."""

    start: date
    end: date  # day of recapture

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def covers(self, on: date) -> bool:
        return self.start <= on < self.end


@dataclass(frozen=True)
class Case:
    detention_start: date
    sentence_kind: SentenceKind
    sentence: Span
    is_child: bool
    religion: str
    verdict_final_on: date | None
    crime: str = "umum"
    conditions_met: frozenset[str] = frozenset()
    fine_substitute: Span = NO_TIME
    fine_paid: bool = False
    at_large: tuple[AtLarge, ...] = ()
    register_f: tuple[date, ...] = ()
    programme_active: bool = True
    risk_reduced: bool = True
    on_cmb: bool = False
    asimilasi_served: bool = False
    grants: tuple[Grant, ...] = ()
    birth_date: date | None = None  # Remisi Kemanusiaan on age
    long_term_illness: bool = False  # a doctor's letter is on file (Remisi Kemanusiaan on illness)
    tambahan_basis: str | None = None  # designated for Remisi Tambahan (jasa-negara, pemuka, ...)


@dataclass(frozen=True)
class Step:
    rule: str
    source: str
    finding: str
    passed: bool = True


Finding = str | Callable[[], str]


@dataclass(slots=True)
class Decision:
    eligible: bool = True
    steps: list[Step] = field(default_factory=list)
    explain: bool = True
    failed: list[str] = field(default_factory=list)

    def check(self, rule: str, source: str, ok: bool, finding: Finding) -> bool:
        if self.explain:
            self.steps.append(Step(rule, source, finding if isinstance(finding, str) else finding(), ok))
        if not ok:
            self.eligible = False
            self.failed.append(rule)
        return ok

    def note(self, rule: str, source: str, finding: Finding) -> None:
        if self.explain:
            self.steps.append(Step(rule, source, finding if isinstance(finding, str) else finding()))

    @property
    def reasons(self) -> list[str]:
        return list(self.failed)


@dataclass(slots=True)
class RemissionResult(Decision):
    occasion: str = ""
    on: date | None = None
    name: str | None = None  # RU, RK, RD, RT, RKm; for children PMPU, PMPK, PMPD, PMPT, PMPKm
    grant_index: int | None = None
    amount: Span | None = None
    type: str | None = None  # "I" partial, "II" covers the rest of the term
    release_on: date | None = None
    later_grant: bool = False  # not yet final: a "susulan" grant follows the verdict


@dataclass(slots=True)
class RightResult(Decision):
    right: str = ""
    earliest_on: date | None = None
    length: Span | None = None


UU_22_2022 = "UU 22/2022 tentang Pemasyarakatan, Pasal 10(4)"
LONG_TERM_ILLNESS = "long-term-illness"  # the designation a batch gives for Remisi Kemanusiaan on illness


@dataclass(frozen=True, slots=True)
class _Occasion:
    """What one occasion on one date means under the rules in force: worked out once, then
    applied to every inmate of a batch."""

    label: str
    rule: RuleSet | None
    missing: str  # why no rule applies, when rule is None
    elig: RuleSet
    register_f_from: date  # first day of the Register F look-back window
    date_rule: str  # the check that `on` is a date of this occasion ...
    date_ok: bool
    date_finding: str  # ... and what it found
    basis: dict[str, Any] | None  # Remisi Kemanusiaan: the basis its date stands for
    amounts: dict[int, tuple[Span, Span]]  # grant index -> (served below the split, from it)


def _iso(dates: list[date]) -> str:
    return str([d.isoformat() for d in dates] or "none")


class Engine:
    def __init__(self, rules: RuleBook | None = None, holidays: HolidayCalendar | None = None, *, explain: bool = True) -> None:
        self.rules = rules or default_rules()
        self.holidays = holidays or default_holidays()
        self.explain = explain
        self._occasions: dict[tuple[Occasion, date, str | None], _Occasion] = {}

    # -- dates -----------------------------------------------------------------------------

    def days_at_large(self, case: Case, before: date | None = None) -> int:
        if not case.at_large:
            return 0
        return sum(p.days for p in case.at_large if before is None or p.start < before)

    def expiration(self, case: Case) -> date | None:
        """Detention start + sentence (calendar) + time at large. None for life and death."""
        if case.sentence_kind is not SentenceKind.TERM:
            return None
        end = add_span(case.detention_start, case.sentence)
        return end + timedelta(days=self.days_at_large(case)) if case.at_large else end

    def sentence_days(self, case: Case) -> int:
        return (add_span(case.detention_start, case.sentence) - case.detention_start).days

    def fraction_date(self, case: Case, p: int, q: int) -> date | None:
        """The day p/q of the sentence has been served: in whole calendar months when p/q of the
        sentence is a whole number of months, else start + ceil(days × p/q); then pushed back by
        time at large that began before it."""
        if case.sentence_kind is not SentenceKind.TERM:
            return None
        months = case.sentence.total_months * p
        if case.sentence.days == 0 and months % q == 0:  # 2/3 of 6 years is 4 years, on the calendar
            base = add_months(case.detention_start, months // q)
        else:  # otherwise by days, rounded up: the fraction is reached only when fully served
            base = case.detention_start + timedelta(days=math.ceil(self.sentence_days(case) * p / q))
        at = base
        while True:  # time at large before the date pushes it back, which may take in more escapes
            shifted = base + timedelta(days=self.days_at_large(case, before=at))
            if shifted == at:
                return at
            at = shifted

    def granted(self, case: Case, before: date | None = None) -> Span:
        total = NO_TIME
        for g in case.grants:
            if before is None or g.on < before:
                total = total.plus(g.amount)
        return total

    def granted_for(self, case: Case, occasion: Occasion, on: date) -> Span:
        """What counts before a grant for `occasion` on `on`: every earlier grant, and grants of
        other occasions the same day (Remisi Umum and Dasawarsa or Tambahan share 17 August)."""
        total = NO_TIME
        for g in case.grants:
            if g.on < on or (g.on == on and g.occasion is not occasion):
                total = total.plus(g.amount)
        return total

    def release_date(self, case: Case, before: date | None = None) -> date | None:
        """Expiration − granted remissions (months first, then days)."""
        expiration = self.expiration(case)
        return None if expiration is None else subtract_span(expiration, self.granted(case, before))

    def served_start(self, case: Case, on: date) -> date:
        """Detention start moved forward by the time at large before `on` (that time is not served)."""
        return case.detention_start + timedelta(days=self.days_at_large(case, before=on))

    # -- remission ---------------------------------------------------------------------------

    def remission(self, case: Case, occasion: Occasion, on: date, holiday: str | None = None) -> RemissionResult:
        o = self._occasion(occasion, on, holiday)
        r = RemissionResult(occasion=o.label, on=on, explain=self.explain)
        if not r.check(
            "sentence-not-life-or-death",
            UU_22_2022,
            case.sentence_kind is SentenceKind.TERM,
            lambda: f"sentence: {case.sentence_kind.value}",
        ):
            return r
        rule = o.rule
        if rule is None:
            r.check("rule-in-force", occasion.value, False, o.missing)
            return r
        r.name = rule.values["name_child" if case.is_child else "name_adult"]
        expiration = self.expiration(case)
        assert expiration is not None
        prior = self.granted_for(case, occasion, on) if case.grants else NO_TIME
        start = self._eligible_person(case, o, on, subtract_span(expiration, prior), r)
        cite = rule.citation
        if occasion is Occasion.KHUSUS:
            self._holiday(case, rule, o, holiday, r)
        elif occasion is Occasion.UMUM or occasion is Occasion.TAMBAHAN:
            r.check(o.date_rule, cite, o.date_ok, o.date_finding)
        this_year = sum(1 for g in case.grants if g.occasion is occasion and g.on.year == on.year) if case.grants else 0
        r.check("once-a-year", cite, not this_year, lambda: f"{occasion.value} grants already in {on.year}: {this_year}")
        amount: Span | None
        if occasion is Occasion.DASAWARSA:
            amount = self._dasawarsa(case, rule, o, on, r)
        elif occasion is Occasion.TAMBAHAN:
            amount, prior = self._tambahan(case, rule, on, prior, r)
        elif occasion is Occasion.KEMANUSIAAN:
            amount = self._kemanusiaan(case, rule, o, on, start, r)
        else:
            r.grant_index = 1 + (sum(1 for g in case.grants if g.occasion is occasion and g.on < on) if case.grants else 0)
            amount = self._by_index(rule, o.amounts, r.grant_index, start, on, r)
        if not r.eligible or amount is None:
            return r
        r.amount = amount
        # All grants together, months first then days (not the new grant on top of the old date).
        release = subtract_span(expiration, prior)
        after = subtract_span(expiration, prior.plus(amount))
        if after <= on:
            r.type = "II"
            released = on
            if case.fine_substitute != NO_TIME and not case.fine_paid:
                released = add_span(on, case.fine_substitute)
                r.note(
                    "fine-substitute-after-type-ii", cite, lambda: f"kurungan pengganti denda {case.fine_substitute} served first"
                )
            r.release_on = released
            r.note("type-ii", cite, lambda: f"remission {amount} covers the rest of the term (release was {release.isoformat()})")
        else:
            r.type = "I"
            r.release_on = after
            r.note("type-i", cite, lambda: f"release moves from {release.isoformat()} to {after.isoformat()}")
        return r

    def _occasion(self, occasion: Occasion, on: date, holiday: str | None) -> _Occasion:
        key = (occasion, on, holiday)
        found = self._occasions.get(key)
        if found is None:
            if len(self._occasions) > 1024:  # bounded for a long-running service
                self._occasions.clear()
            found = self._occasions[key] = self._work_out(occasion, on, holiday)
        return found

    def _work_out(self, occasion: Occasion, on: date, holiday: str | None) -> _Occasion:
        try:
            rule: RuleSet | None = self.rules.in_force(occasion.value, on)
            missing = ""
        except LookupError as exc:
            rule, missing = None, str(exc)
        elig = self.rules.in_force("remisi-eligibility", on)
        amounts: dict[int, tuple[Span, Span]] = {}
        for row in rule.values.get("amounts_by_grant_index", []) if rule else []:
            if "amount" in row:
                amounts[row["index"]] = (span_of(row["amount"]), span_of(row["amount"]))
            else:
                amounts[row["index"]] = (span_of(row["served_below_split"]), span_of(row["served_from_split"]))
        date_rule, date_ok, date_finding, basis = self._occasion_date(occasion, rule, missing, on, holiday)
        return _Occasion(
            label=occasion.value if holiday is None else f"{occasion.value}:{holiday}",
            rule=rule,
            missing=missing,
            elig=elig,
            register_f_from=add_months(on, -elig.values["register_f_lookback_months"]),
            date_rule=date_rule,
            date_ok=date_ok,
            date_finding=date_finding,
            basis=basis,
            amounts=amounts,
        )

    def _occasion_date(
        self, occasion: Occasion, rule: RuleSet | None, missing: str, on: date, holiday: str | None
    ) -> tuple[str, bool, str, dict[str, Any] | None]:
        """Is `on` a date of this occasion? (rule, verdict, finding, Remisi Kemanusiaan basis)."""
        if rule is None:
            return "rule-in-force", False, missing, None
        month_day = f"{on.month:02d}-{on.day:02d}"
        if occasion is Occasion.KHUSUS:
            if holiday is None:
                return "holiday-date", False, "no holiday given for a Remisi Khusus", None
            known = self.holidays.is_holiday(holiday, on)
            if known is None:
                return "holiday-date", False, f"no date for {holiday} in {on.year} in the holiday reference data", None
            dates = ", ".join(d.isoformat() for d in self.holidays.dates_in(holiday, on.year) or ())
            return "holiday-date", known, f"{holiday} {on.year}: {dates} ({self.holidays.status(holiday, on)})", None
        if occasion is Occasion.DASAWARSA:
            every, first = rule.values["every_years"], rule.values["first_year"]
            ok = (on.year - first) % every == 0 and month_day == rule.values["occasion_month_day"]
            return "dasawarsa-year", ok, f"{on.isoformat()} {'is' if ok else 'is not'} a Remisi Dasawarsa date", None
        if occasion is Occasion.KEMANUSIAAN:
            bases = rule.values["bases"]
            basis = next((b for b in bases if b["occasion_month_day"] == month_day), None)
            dates = ", ".join(f"{b['occasion_month_day']} ({b['basis']})" for b in bases)
            return "occasion-date", basis is not None, f"Remisi Kemanusiaan is granted on {dates}", basis
        day = rule.values["occasion_month_day"]
        return "occasion-date", month_day == day, f"{occasion.value} is granted on {day} (MM-DD)", None

    def occasion_refusal(self, occasion: Occasion, on: date, holiday: str | None) -> Step | None:
        """Why `on` cannot be this occasion at all (for a whole batch), or None when it can."""
        o = self._occasion(occasion, on, holiday)
        return None if o.date_ok else Step(o.date_rule, o.rule.citation if o.rule else occasion.value, o.date_finding, False)

    def designation_bases(self, occasion: Occasion, on: date) -> set[str]:
        """The bases a batch may designate inmates for: Remisi Tambahan's, and a certified
        long-term illness for Remisi Kemanusiaan on its illness date."""
        o = self._occasion(occasion, on, None)
        if o.rule is None:
            return set()
        if occasion is Occasion.TAMBAHAN:
            return set(o.rule.values["fraction_of_remisi_umum_by_basis"])
        if occasion is Occasion.KEMANUSIAAN and o.basis is not None and o.basis["basis"] == "illness":
            return {LONG_TERM_ILLNESS}
        return set()

    def _eligible_person(self, case: Case, o: _Occasion, on: date, release: date, r: RemissionResult) -> date:
        """The conditions every remission asks of the person (UU 22/2022 Pasal 10; Permenkumham
        3/2018 Pasal 5 as amended). Returns the date time served counts from."""
        elig = o.elig
        src = elig.citation
        final = case.verdict_final_on is not None and case.verdict_final_on <= on
        if not r.check(
            "verdict-final", src, final, "verdict final (inkracht)" if final else "no final verdict on the occasion date"
        ):
            r.later_grant = True  # remisi susulan once the verdict is final (PP 28/2006 Pasal 34)
        r.check("not-on-cmb", src, not case.on_cmb, "on Cuti Menjelang Bebas" if case.on_cmb else "not on CMB")
        if case.at_large:
            self._not_at_large(case, on, src, r)
        else:
            r.check("not-at-large", src, True, "in custody")
        fine = case.fine_substitute
        fine_term = release <= on and bool(fine.years or fine.months or fine.days) and not case.fine_paid
        r.check(
            "not-serving-fine-substitute",
            src,
            not fine_term,
            "serving kurungan pengganti denda" if fine_term else "not serving a fine-substitute term",
        )
        min_months = elig.values["min_served_months_child" if case.is_child else "min_served_months_adult"]
        start = self.served_start(case, on) if case.at_large else case.detention_start
        enough = on > add_months(start, min_months)  # served_more_than, inlined: a batch asks 220,000 times
        r.check(
            "time-served",
            src,
            enough,
            lambda: f"served since {start.isoformat()}: {'more than' if enough else 'not more than'} {min_months} months",
        )
        if case.register_f:
            window = o.register_f_from
            hits = sorted(d for d in case.register_f if window <= d <= on)
            r.check("no-register-f", src, not hits, lambda: f"Register F in {window.isoformat()}..{on.isoformat()}: {_iso(hits)}")
        else:
            r.check("no-register-f", src, True, "no Register F entry")
        if elig.values["requires_programme_active"]:
            r.check(
                "programme-active",
                src,
                case.programme_active,
                "active in the programme" if case.programme_active else "not active in the programme",
            )
        if elig.values["requires_risk_reduced"]:
            r.check(
                "risk-reduced", src, case.risk_reduced, "risk level went down" if case.risk_reduced else "risk level not reduced"
            )
        for condition in elig.values["special_crime_conditions"].get(case.crime, ()):
            met = condition in case.conditions_met
            r.check(
                f"special-crime:{condition}",
                src,
                met,
                f"{case.crime}: {condition} {'met' if met else 'not met'}",  # special crimes are few: formatted eagerly
            )
        return start

    def _holiday(self, case: Case, rule: RuleSet, o: _Occasion, holiday: str | None, r: RemissionResult) -> None:
        """Remisi Khusus: only the holiday of the religion recorded at first registration, and
        only on that holiday's date in the reference calendar (rule_data/holidays.json)."""
        own = rule.values["holiday_by_religion"].get(case.religion)
        r.check(
            "own-religion-holiday",
            rule.values["holiday_source"],
            own == holiday,
            lambda: f"religion {case.religion}: holiday {own}, occasion {holiday}",
        )
        if holiday is not None:
            r.check(o.date_rule, self.holidays.source, o.date_ok, o.date_finding)

    def _by_index(
        self, rule: RuleSet, amounts: dict[int, tuple[Span, Span]], index: int, start: date, on: date, r: RemissionResult
    ) -> Span:
        below, above = amounts.get(index) or amounts[max(amounts)]  # the last row holds "and after"
        if below == above:
            amount = below
            r.note("amount", rule.citation, lambda: f"grant #{index} in this sentence: {amount}")
            return amount
        split = rule.values["first_grant_split_months"]
        long = served_at_least(start, on, split)
        amount = above if long else below
        r.note(
            "amount", rule.citation, lambda: f"first grant, served {'at least' if long else 'less than'} {split} months: {amount}"
        )
        return amount

    def _dasawarsa(self, case: Case, rule: RuleSet, o: _Occasion, on: date, r: RemissionResult) -> Span | None:
        if not r.check(o.date_rule, rule.citation, o.date_ok, o.date_finding):
            return None
        p, q = rule.fraction("fraction_of_sentence")
        cap = span_of(rule.values["max"])
        if case.sentence.days == 0 and (case.sentence.total_months * p) % q == 0:
            amount = Span(months=case.sentence.total_months * p // q)
        else:
            amount = Span(days=self.sentence_days(case) * p // q)
        if add_span(on, amount) > add_span(on, cap):
            amount = cap
        r.note("amount", rule.citation, lambda: f"{p}/{q} of the sentence {case.sentence}, at most {cap}: {amount}")
        return amount

    def _tambahan(self, case: Case, rule: RuleSet, on: date, prior: Span, r: RemissionResult) -> tuple[Span | None, Span]:
        """Remisi Tambahan: a fraction of the same year's Remisi Umum, for a designated basis.
        Returns the amount and what counts before it (the Remisi Umum of the day included)."""
        fractions = rule.values["fraction_of_remisi_umum_by_basis"]
        basis = case.tambahan_basis
        if not r.check(
            "tambahan-basis",
            rule.citation,
            basis in fractions,
            lambda: f"designated for Remisi Tambahan: {basis or 'no'} (bases: {', '.join(sorted(fractions))})",
        ):
            return None, prior
        assert basis is not None
        granted = next((g for g in case.grants if g.occasion is Occasion.UMUM and g.on == on), None)
        if granted is not None:
            ru = granted.amount  # already counted in `prior`
            r.note("remisi-umum-same-day", rule.citation, lambda: f"Remisi Umum granted on {on.isoformat()}: {ru}")
        else:
            umum = self.remission(case, Occasion.UMUM, on)
            if not r.check(
                "remisi-umum-same-day",
                rule.citation,
                umum.eligible and umum.amount is not None,
                lambda: (
                    f"Remisi Umum on {on.isoformat()}: "
                    + (f"eligible, {umum.amount}" if umum.eligible else f"not eligible ({', '.join(umum.reasons)})")
                ),
            ):
                return None, prior
            assert umum.amount is not None
            ru = umum.amount
            prior = prior.plus(ru)  # the Remisi Umum of the day comes first
        p, q = fractions[basis]
        amount = fraction_of(ru, p, q, rule.values["days_per_month_for_fractions"])
        r.note("amount", rule.citation, lambda: f"{p}/{q} of this year's Remisi Umum {ru} ({basis}): {amount}")
        return amount, prior

    def _kemanusiaan(self, case: Case, rule: RuleSet, o: _Occasion, on: date, start: date, r: RemissionResult) -> Span | None:
        """Remisi Kemanusiaan (Permenkumham 16/2023): over 70 on 29 May, long-term illness on
        7 April, or a sentence of at most one year; the occasion date says which basis applies."""
        basis = o.basis
        if not r.check(o.date_rule, rule.citation, o.date_ok, o.date_finding):
            return None
        assert basis is not None
        kind = basis["basis"]
        if kind == "age":
            years = basis["min_age_years_exclusive"]
            ok = case.birth_date is not None and served_more_than(case.birth_date, on, 12 * years)
            finding: Finding = lambda: f"born {case.birth_date}: {'more' if ok else 'not more'} than {years} years old on {on}"  # noqa: E731
        elif kind == "illness":
            ok = case.long_term_illness
            finding = "long-term illness certified by a doctor" if ok else "no doctor's letter of long-term illness"
        else:
            limit = span_of(basis["max_sentence"])
            ok = add_span(case.detention_start, case.sentence) <= add_span(case.detention_start, limit)
            finding = lambda: f"sentence {case.sentence}, at most {limit}"  # noqa: E731
        if not r.check(f"kemanusiaan:{kind}", f"{rule.citation} [{rule.status}]", ok, finding):
            return None
        earlier = [g for g in case.grants if g.occasion is Occasion.UMUM and g.on.year == on.year - 1]
        if rule.values["amount"] == "previous-year-remisi-umum" and earlier:
            amount = earlier[-1].amount
            r.note("amount", f"{rule.citation} [{rule.status}]", lambda: f"the Remisi Umum of {on.year - 1}: {amount}")
            return amount
        if rule.values["amount_fallback"] != "first-grant-remisi-umum":
            raise ValueError(f"unknown Remisi Kemanusiaan amount rule {rule.values['amount_fallback']!r}")
        umum = self._occasion(Occasion.UMUM, on, None)
        assert umum.rule is not None
        r.note(
            "amount-fallback",
            f"{rule.citation} [{rule.status}]",
            f"no Remisi Umum in {on.year - 1}: the first Remisi Umum amount",
        )
        return self._by_index(umum.rule, umum.amounts, 1, start, on, r)

    # -- integration rights -----------------------------------------------------------------

    def pembebasan_bersyarat(self, case: Case, on: date) -> RightResult:
        r, rule = self._open_right("pb", "pembebasan-bersyarat", case, on)
        if rule is None:
            return r
        p, q = rule.fraction("fraction_served_child" if case.is_child else "fraction_served_adult")
        fraction_on = self.fraction_date(case, p, q)
        assert fraction_on is not None
        r.earliest_on = fraction_on
        if not case.is_child:
            self._fraction_long_enough(case, rule, fraction_on, f"{p}/{q}", r)
        r.check("fraction-served", rule.cite(), on >= fraction_on, f"{p}/{q} served on {fraction_on.isoformat()}")
        self._clean_record(
            case,
            rule,
            fraction_on,
            "register_f_lookback_months_child" if case.is_child else "register_f_lookback_months_adult",
            r,
        )
        r.check(
            "programme-completed",
            rule.cite(),
            case.programme_active,
            "programme followed" if case.programme_active else "programme not followed",
        )
        long_sentence = case.sentence.total_months >= 12 * rule.values["narkotika_min_sentence_years_needing_asimilasi"]
        if case.crime == "narkotika" and long_sentence:
            r.check(
                "narkotika-asimilasi-first",
                rule.cite(),
                case.asimilasi_served,
                "asimilasi served" if case.asimilasi_served else "asimilasi not yet served",
            )
        return r

    def cuti_menjelang_bebas(self, case: Case, on: date) -> RightResult:
        r, rule = self._open_right("cmb", "cuti-menjelang-bebas", case, on)
        if rule is None:
            return r
        p, q = rule.fraction("fraction_served")
        fraction_on = self.fraction_date(case, p, q)
        release = self.release_date(case)
        assert fraction_on is not None and release is not None
        self._fraction_long_enough(case, rule, fraction_on, f"{p}/{q}", r)
        last = max(case.grants, key=lambda g: g.on, default=None)
        if not r.check(
            "has-remission",
            rule.cite(),
            last is not None,
            "CMB length is the last remission; none granted" if last is None else f"last remission {last.amount}",
        ):
            return r
        assert last is not None
        cap = span_of(rule.values["max_length"])
        length = cap if add_span(release, last.amount) > add_span(release, cap) else last.amount
        r.length = length
        r.earliest_on = max(fraction_on, subtract_span(release, length))
        r.check(
            "fraction-served",
            rule.cite(),
            on >= r.earliest_on,
            f"CMB of {length} from {r.earliest_on.isoformat()} to release on {release.isoformat()}",
        )
        self._clean_record(case, rule, fraction_on, "register_f_lookback_months", r)
        return r

    def cuti_bersyarat(self, case: Case, on: date) -> RightResult:
        r, rule = self._open_right("cb", "cuti-bersyarat", case, on)
        if rule is None:
            return r
        limit = span_of(rule.values["max_sentence"])
        short = add_span(case.detention_start, case.sentence) <= add_span(case.detention_start, limit)
        r.check("short-sentence", f"{rule.cite()} [{rule.status}]", short, f"sentence {case.sentence}, at most {limit}")
        p, q = rule.fraction("fraction_served")
        fraction_on = self.fraction_date(case, p, q)
        release = self.release_date(case)
        assert fraction_on is not None and release is not None
        length = span_of(rule.values["max_length"])
        r.length = length
        r.earliest_on = max(fraction_on, subtract_span(release, length))
        r.check("fraction-served", rule.cite(), on >= r.earliest_on, f"CB from {r.earliest_on.isoformat()}, at most {length}")
        self._clean_record(case, rule, on, "register_f_lookback_months", r)
        return r

    def asimilasi(self, case: Case, on: date) -> RightResult:
        r = RightResult(right="asimilasi", explain=self.explain)
        rule = self._rule_for("asimilasi", on, r)
        if rule is None:
            return r
        excluded = case.sentence_kind.value in rule.values["excluded_sentences"]
        if not r.check("sentence-not-life-or-death", rule.cite(), not excluded, f"sentence: {case.sentence_kind.value}"):
            return r
        p, q = rule.fraction("fraction_served")
        fraction_on = self.fraction_date(case, p, q)
        assert fraction_on is not None
        r.earliest_on = fraction_on
        r.check("fraction-served", rule.cite(), on >= fraction_on, f"{p}/{q} served on {fraction_on.isoformat()}")
        self._clean_record(case, rule, on, "register_f_lookback_months", r)
        return r

    def _open_right(self, right: str, rule_id: str, case: Case, on: date) -> tuple[RightResult, RuleSet | None]:
        """The rule in force and the first check every right makes: no life or death sentence."""
        r = RightResult(right=right, explain=self.explain)
        rule = self._rule_for(rule_id, on, r)
        if rule is None:
            return r, None
        term = case.sentence_kind is SentenceKind.TERM
        if not r.check("sentence-not-life-or-death", UU_22_2022, term, f"sentence: {case.sentence_kind.value}"):
            return r, None
        self._not_at_large(case, on, rule.cite(), r)
        return r, rule

    def _not_at_large(self, case: Case, on: date, source: str, r: Decision) -> None:
        """An escapee gets no remission and no integration right while at large."""
        away = [p for p in case.at_large if p.covers(on)] if case.at_large else []
        r.check("not-at-large", source, not away, lambda: f"at large since {away[0].start.isoformat()}" if away else "in custody")

    def _rule_for(self, rule_id: str, on: date, r: Decision) -> RuleSet | None:
        """The rule version in force on `on`; a date before any known version is a refusal that
        says so, not a crash (e.g. PB asked about a 2015 date)."""
        try:
            return self.rules.in_force(rule_id, on)
        except LookupError as exc:
            r.check("rule-in-force", rule_id, False, str(exc))
            return None

    def _fraction_long_enough(self, case: Case, rule: RuleSet, fraction_on: date, label: str, r: Decision) -> None:
        """The fraction itself must be at least N months of actual service (9 for PB and CMB)."""
        minimum = rule.values["min_fraction_months"]
        served_until = fraction_on - timedelta(days=self.days_at_large(case, before=fraction_on))
        ok = served_at_least(case.detention_start, served_until, minimum)
        finding = f"{label} reached on {fraction_on.isoformat()}: {'at least' if ok else 'less than'} {minimum} months"
        r.check("fraction-at-least-months", rule.cite(), ok, finding)

    def _clean_record(self, case: Case, rule: RuleSet, until: date, key: str, r: Decision) -> None:
        months = rule.values[key]
        window = add_months(until, -months)
        hits = sorted(d for d in case.register_f if window <= d <= until)
        r.check(
            "no-register-f",
            rule.citation,
            not hits,
            lambda: f"Register F in {window.isoformat()}..{until.isoformat()}: {_iso(hits)}",
        )
