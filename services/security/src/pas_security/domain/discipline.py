"""Discipline (Tata Tertib): the Kalapas' decision on a disciplinary case, as recorded.

Levels, isolation limits and Register F come from the rule data (rule_data/discipline.json,
Permenkumham 6/2013 jo. 29/2017 Pasal 8 and 9). The examination, the Tim Pemeriksa and the
sidang TPP that lead to the decision are the procedure of discipline_case.py, whose decision
imposes the sanction; a sanction recorded directly (POST /discipline/sanctions) is the Kalapas'
decision taken outside the platform.
"""

from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel

from pas_security.domain.rules import RuleBook, RuleSet, default_rules
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.security import DisciplineAnnulled, DisciplineLevel, DisciplineSanctioned

DISCIPLINE_RULE = "hukuman-disiplin"


@dataclass(frozen=True)
class LevelRule:
    max_isolation_days: int
    register_f: bool


def level_rule(rule_set: RuleSet, level: DisciplineLevel) -> LevelRule:
    raw = rule_set.values["levels"][level.value]
    return LevelRule(max_isolation_days=int(raw["max_isolation_days"]), register_f=bool(raw["register_f"]))


@dataclass
class Sanction:
    case_id: str
    inmate_id: str
    upt_code: str
    level: DisciplineLevel
    register_f: bool
    sanctioned_on: date
    isolation_days: int
    annulled_on: date | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def impose(
        cls,
        *,
        case_id: str,
        inmate_id: str,
        upt_code: str,
        level: DisciplineLevel,
        sanctioned_on: date,
        isolation_days: int,
        today: date,
        rules: RuleBook | None = None,
        prefix: str = "",
    ) -> "Sanction":
        """`prefix`: where the body holds the terms (a decision's `terms.`), for the field names."""
        if sanctioned_on > today:
            raise RuleViolation(
                "sanctioned_on",
                "not-in-future",
                id="Tanggal putusan hukuman disiplin tidak boleh di masa depan.",
                en="The sanction date cannot be in the future.",
            )
        limit = cls.check_isolation(level, isolation_days, on=sanctioned_on, rules=rules, field_name=f"{prefix}isolation_days")
        # Register F follows from the level under the rules in force; the client never sets it.
        sanction = cls(case_id, inmate_id, upt_code, level, limit.register_f, sanctioned_on, isolation_days)
        sanction.events.append(
            DisciplineSanctioned(
                case_id=case_id,
                inmate_id=inmate_id,
                upt_code=upt_code,
                level=level,
                register_f=sanction.register_f,
                sanctioned_on=sanctioned_on,
                isolation_days=isolation_days,
            )
        )
        return sanction

    @staticmethod
    def check_isolation(
        level: DisciplineLevel,
        isolation_days: int,
        *,
        on: date,
        rules: RuleBook | None = None,
        field_name: str = "isolation_days",
        date_field: str = "sanctioned_on",
    ) -> LevelRule:
        """The level's limit under the rules in force `on`; refuses days outside it."""
        try:
            rule_set = (rules or default_rules()).in_force(DISCIPLINE_RULE, on)
        except LookupError:
            raise RuleViolation(
                date_field,
                "rule-in-force",
                id=f"Tidak ada aturan tata tertib yang berlaku pada {on.isoformat()}.",
                en=f"No discipline rules were in force on {on.isoformat()}.",
            ) from None
        limit = level_rule(rule_set, level)
        if not 0 <= isolation_days <= limit.max_isolation_days:
            if limit.max_isolation_days == 0:
                allowed_id, allowed_en = "tidak membolehkan sel pengasingan", "allows no days in an isolation cell"
            else:
                allowed_id = f"membolehkan sel pengasingan 0 sampai {limit.max_isolation_days} hari"
                allowed_en = f"allows 0 to {limit.max_isolation_days} days in an isolation cell"
            raise RuleViolation(
                field_name,
                "isolation-within-level-limit",
                id=f"Hukuman disiplin tingkat {level.value} {allowed_id} ({rule_set.cite()}).",
                en=f"A {level.value} sanction {allowed_en} ({rule_set.cite()}).",
            )
        return limit

    def annul(self, *, on: date, today: date) -> None:
        if self.annulled_on is not None:
            raise Conflict(
                id=f"Hukuman disiplin {self.case_id} sudah dibatalkan pada {self.annulled_on.isoformat()}.",
                en=f"Sanction {self.case_id} was already annulled on {self.annulled_on.isoformat()}.",
            )
        if on < self.sanctioned_on:
            raise RuleViolation(
                "annulled_on",
                "not-before-sanction",
                id="Tanggal pembatalan tidak boleh sebelum tanggal putusan hukuman disiplin.",
                en="The annulment date cannot be before the sanction date.",
            )
        if on > today:
            raise RuleViolation(
                "annulled_on",
                "not-in-future",
                id="Pembatalan dicatat saat terjadi, bukan sebelumnya.",
                en="An annulment is recorded when it happens, not ahead of time.",
            )
        self.annulled_on = on
        self.events.append(
            DisciplineAnnulled(case_id=self.case_id, inmate_id=self.inmate_id, upt_code=self.upt_code, annulled_on=on)
        )


def sanction_not_found(case_id: str) -> NotFound:
    return NotFound(
        id=f"Hukuman disiplin {case_id} tidak ditemukan.",
        en=f"Sanction {case_id} does not exist.",
        errors=[FieldError("case_id", "sanction-exists", "Data hukuman disiplin tidak ditemukan.", "No such sanction.")],
    )
