"""The release-date, remission and integration-rights engine. Pure: no I/O, no clock.

Every result carries the list of steps it took: the rule, the regulation it comes from, and what
it found, so an officer (or a court) can follow how a date was reached. Conventions are stated
in the README ("Engine conventions") and pinned by the golden files in tests/golden/.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from pas_remission.domain.calendar import NO_TIME, Span, add_months, add_span, served_at_least, served_more_than, subtract_span
from pas_remission.domain.rules import RuleBook, RuleSet, default_rules, span_of


class SentenceKind(StrEnum):
    TERM = "term"
    LIFE = "life"
    DEATH = "death"


class Occasion(StrEnum):
    UMUM = "remisi-umum"
    KHUSUS = "remisi-khusus"
    DASAWARSA = "remisi-dasawarsa"


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


@dataclass(frozen=True)
class Step:
    rule: str
    source: str
    finding: str
    passed: bool = True


@dataclass
class Decision:
    eligible: bool = True
    steps: list[Step] = field(default_factory=list)

    def check(self, rule: str, source: str, ok: bool, finding: str) -> bool:
        self.steps.append(Step(rule, source, finding, ok))
        self.eligible = self.eligible and ok
        return ok

    def note(self, rule: str, source: str, finding: str) -> None:
        self.steps.append(Step(rule, source, finding))

    @property
    def reasons(self) -> list[str]:
        return [s.rule for s in self.steps if not s.passed]


@dataclass
class RemissionResult(Decision):
    occasion: str = ""
    on: date | None = None
    grant_index: int | None = None
    amount: Span | None = None
    type: str | None = None  # "I" partial, "II" covers the rest of the term
    release_on: date | None = None
    later_grant: bool = False  # not yet final: a "susulan" grant follows the verdict


@dataclass
class RightResult(Decision):
    right: str = ""
    earliest_on: date | None = None
    length: Span | None = None


UU_22_2022 = "UU 22/2022 tentang Pemasyarakatan, Pasal 10(4)"


class Engine:
    def __init__(self, rules: RuleBook | None = None) -> None:
        self.rules = rules or default_rules()

    # -- dates -----------------------------------------------------------------------------

    def days_at_large(self, case: Case, before: date | None = None) -> int:
        return sum(p.days for p in case.at_large if before is None or p.start < before)

    def expiration(self, case: Case) -> date | None:
        """Detention start + sentence (calendar) + time at large. None for life and death."""
        if case.sentence_kind is not SentenceKind.TERM:
            return None
        return add_span(case.detention_start, case.sentence) + timedelta(days=self.days_at_large(case))

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
        total = Span()
        for g in case.grants:
            if before is None or g.on < before:
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
        r = RemissionResult(occasion=occasion.value if holiday is None else f"{occasion.value}:{holiday}", on=on)
        elig = self.rules.in_force("remisi-eligibility", on)
        src = elig.cite()
        if not r.check(
            "sentence-not-life-or-death",
            UU_22_2022,
            case.sentence_kind is SentenceKind.TERM,
            f"sentence: {case.sentence_kind.value}",
        ):
            return r
        final = case.verdict_final_on is not None and case.verdict_final_on <= on
        if not r.check(
            "verdict-final", src, final, "verdict final (inkracht)" if final else "no final verdict on the occasion date"
        ):
            r.later_grant = True  # remisi susulan once the verdict is final (PP 28/2006 Pasal 34)
        r.check("not-on-cmb", src, not case.on_cmb, "on Cuti Menjelang Bebas" if case.on_cmb else "not on CMB")
        self._not_at_large(case, on, src, r)
        release = self.release_date(case, before=on)
        assert release is not None
        fine_term = release <= on and case.fine_substitute != NO_TIME and not case.fine_paid
        r.check(
            "not-serving-fine-substitute",
            src,
            not fine_term,
            "serving kurungan pengganti denda" if fine_term else "not serving a fine-substitute term",
        )
        min_months = elig.values["min_served_months_child" if case.is_child else "min_served_months_adult"]
        start = self.served_start(case, on)
        enough = served_more_than(start, on, min_months)
        r.check(
            "time-served",
            src,
            enough,
            f"served since {start.isoformat()}: {'more than' if enough else 'not more than'} {min_months} months",
        )
        lookback = elig.values["register_f_lookback_months"]
        window = add_months(on, -lookback)
        hits = sorted(d for d in case.register_f if window <= d <= on)
        r.check(
            "no-register-f",
            src,
            not hits,
            f"Register F in {window.isoformat()}..{on.isoformat()}: {[d.isoformat() for d in hits] or 'none'}",
        )
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
        for condition in elig.values["special_crime_conditions"].get(case.crime, []):
            r.check(
                f"special-crime:{condition}",
                src,
                condition in case.conditions_met,
                f"{case.crime}: {condition} {'met' if condition in case.conditions_met else 'not met'}",
            )
        rule = self.rules.in_force(occasion.value, on)
        same = [g for g in case.grants if g.occasion is occasion and g.on < on]
        if occasion is Occasion.KHUSUS:
            own = rule.values["holiday_by_religion"].get(case.religion)
            r.check(
                "own-religion-holiday",
                rule.values["holiday_source"],
                own == holiday,
                f"religion {case.religion}: holiday {own}, occasion {holiday}",
            )
        if occasion is Occasion.UMUM:
            day = rule.values["occasion_month_day"]
            r.check("occasion-date", rule.cite(), on.strftime("%m-%d") == day, f"{occasion.value} is granted on {day} (MM-DD)")
        this_year = [g for g in case.grants if g.occasion is occasion and g.on.year == on.year]
        r.check("once-a-year", rule.cite(), not this_year, f"{occasion.value} grants already in {on.year}: {len(this_year)}")
        if occasion is Occasion.DASAWARSA:
            amount = self._dasawarsa(case, rule, on, r)
        else:
            r.grant_index = len(same) + 1
            amount = self._by_index(rule, r.grant_index, start, on, r)
        if not r.eligible or amount is None:
            return r
        r.amount = amount
        # All grants together, months first then days (not the new grant on top of the old date).
        expiration = self.expiration(case)
        assert expiration is not None
        after = subtract_span(expiration, self.granted(case, before=on).plus(amount))
        if after <= on:
            r.type = "II"
            released = on
            if case.fine_substitute != NO_TIME and not case.fine_paid:
                released = add_span(on, case.fine_substitute)
                r.note("fine-substitute-after-type-ii", src, f"kurungan pengganti denda {case.fine_substitute} served first")
            r.release_on = released
            r.note("type-ii", rule.cite(), f"remission {amount} covers the rest of the term (release was {release.isoformat()})")
        else:
            r.type = "I"
            r.release_on = after
            r.note("type-i", rule.cite(), f"release moves from {release.isoformat()} to {after.isoformat()}")
        return r

    def _by_index(self, rule: RuleSet, index: int, start: date, on: date, r: RemissionResult) -> Span:
        table = rule.values["amounts_by_grant_index"]
        row = next((x for x in table if x["index"] == index), None) or table[-1]
        if "amount" in row:
            amount = span_of(row["amount"])
            r.note("amount", rule.cite(), f"grant #{index} in this sentence: {amount}")
            return amount
        split = rule.values["first_grant_split_months"]
        long = served_at_least(start, on, split)
        amount = span_of(row["served_from_split" if long else "served_below_split"])
        r.note("amount", rule.cite(), f"first grant, served {'at least' if long else 'less than'} {split} months: {amount}")
        return amount

    def _dasawarsa(self, case: Case, rule: RuleSet, on: date, r: RemissionResult) -> Span | None:
        year_ok = (on.year - rule.values["first_year"]) % rule.values["every_years"] == 0 and on.strftime("%m-%d") == rule.values[
            "occasion_month_day"
        ]
        if not r.check(
            "dasawarsa-year", rule.cite(), year_ok, f"{on.isoformat()} {'is' if year_ok else 'is not'} a Remisi Dasawarsa date"
        ):
            return None
        p, q = rule.fraction("fraction_of_sentence")
        cap = span_of(rule.values["max"])
        if case.sentence.days == 0 and (case.sentence.total_months * p) % q == 0:
            amount = Span(months=case.sentence.total_months * p // q)
        else:
            amount = Span(days=self.sentence_days(case) * p // q)
        if add_span(on, amount) > add_span(on, cap):
            amount = cap
        r.note("amount", rule.cite(), f"{p}/{q} of the sentence {case.sentence}, at most {cap}: {amount}")
        return amount

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
        r = RightResult(right="asimilasi")
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
        r = RightResult(right=right)
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
        away = [p for p in case.at_large if p.covers(on)]
        finding = f"at large since {away[0].start.isoformat()}" if away else "in custody"
        r.check("not-at-large", source, not away, finding)

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
            rule.cite(),
            not hits,
            f"Register F in {window.isoformat()}..{until.isoformat()}: {[d.isoformat() for d in hits] or 'none'}",
        )
