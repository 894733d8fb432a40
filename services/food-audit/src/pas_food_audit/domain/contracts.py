"""Vendors (penyedia bahan makanan) and their supply contracts from the annual tender (lelang),
with the daily ration cost checked against the regional cost standard (Standar Biaya Masukan)."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_food_audit.domain.rules import RuleBook, food_rules
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.food_audit import ContractSigned

COST_STANDARD_RULE = "ration-cost-standard"
PENALTY_RULE = "penalty-clause"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> "Weekday":
        return list(cls)[day.weekday()]


class CostCheck(StrEnum):
    WITHIN = "within-standard"
    ABOVE = "above-standard"  # the SBM is a ceiling: a price above it needs an explanation
    NO_STANDARD = "no-standard"  # no figure for this province and fiscal year in the rule data


@dataclass(frozen=True)
class Vendor:
    vendor_id: str
    name: str
    npwp: str | None  # taxpayer number, as the tender documents give it
    address: str
    upt_code: str  # the UPT whose tender the vendor won
    kanwil_code: str


@dataclass(frozen=True)
class CostStandard:
    """The regional standard for one province and fiscal year, and how sure it is."""

    fiscal_year: int
    province: str
    rupiah: int | None
    regulation: str
    status: str

    def check(self, daily_ration_cost_rupiah: int) -> CostCheck:
        if self.rupiah is None:
            return CostCheck.NO_STANDARD
        return CostCheck.WITHIN if daily_ration_cost_rupiah <= self.rupiah else CostCheck.ABOVE


def cost_standard(fiscal_year: int, province: str, rules: RuleBook | None = None) -> CostStandard:
    try:
        rule_set = (rules or food_rules()).in_force(COST_STANDARD_RULE, date(fiscal_year, 1, 1))
    except LookupError:
        return CostStandard(fiscal_year, province, None, "none", "no rule data for this fiscal year")
    if rule_set.values["fiscal_year"] != fiscal_year:  # a later year with no figures yet
        return CostStandard(fiscal_year, province, None, rule_set.regulation, f"no figures for FY{fiscal_year}")
    rupiah = rule_set.values["rupiah_per_person_per_day"].get(province)
    return CostStandard(fiscal_year, province, rupiah, rule_set.regulation, rule_set.status)


@dataclass(frozen=True)
class PenaltyClause:
    late_penalty_permille_per_day: int
    penalty_cap_pct: int
    text: str


def default_penalty_clause(on: date, rules: RuleBook | None = None) -> PenaltyClause:
    values = (rules or food_rules()).in_force(PENALTY_RULE, on).values
    return PenaltyClause(int(values["late_penalty_permille_per_day"]), int(values["penalty_cap_pct"]), "")


@dataclass
class Contract:
    contract_id: str
    contract_number: str
    tender_reference: str
    vendor: Vendor
    province: str
    starts_on: date
    ends_on: date
    value_rupiah: int
    daily_ration_cost_rupiah: int
    delivery_days: tuple[Weekday, ...]
    penalty: PenaltyClause
    standard: CostStandard
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def upt_code(self) -> str:
        return self.vendor.upt_code

    @property
    def kanwil_code(self) -> str:
        return self.vendor.kanwil_code

    @property
    def fiscal_year(self) -> int:
        return self.starts_on.year

    @property
    def cost_check(self) -> CostCheck:
        return self.standard.check(self.daily_ration_cost_rupiah)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @classmethod
    def sign(
        cls,
        *,
        contract_id: str,
        contract_number: str,
        tender_reference: str,
        vendor: Vendor,
        province: str,
        starts_on: date,
        ends_on: date,
        value_rupiah: int,
        daily_ration_cost_rupiah: int,
        delivery_days: list[Weekday],
        penalty: PenaltyClause | None,
        rules: RuleBook | None = None,
    ) -> "Contract":
        if ends_on < starts_on:
            raise RuleViolation(
                "ends_on",
                "ends-after-starts",
                id="Tanggal akhir kontrak tidak boleh sebelum tanggal mulai.",
                en="A contract cannot end before it starts.",
            )
        if ends_on.year != starts_on.year:
            raise RuleViolation(
                "ends_on",
                "within-fiscal-year",
                id="Kontrak bahan makanan dari lelang tahunan berlaku dalam satu tahun anggaran.",
                en="A food-supply contract from the annual tender runs within one fiscal year.",
            )
        if value_rupiah <= 0 or daily_ration_cost_rupiah <= 0:
            name = "value_rupiah" if value_rupiah <= 0 else "daily_ration_cost_rupiah"
            raise RuleViolation(
                name, "positive", id="Nilai rupiah harus lebih dari nol.", en="Rupiah amounts must be more than zero."
            )
        if daily_ration_cost_rupiah > value_rupiah:
            raise RuleViolation(
                "daily_ration_cost_rupiah",
                "within-contract-value",
                id="Biaya makan per orang per hari melebihi nilai kontrak.",
                en="The daily ration cost per inmate exceeds the contract value.",
            )
        if not delivery_days or len(set(delivery_days)) != len(delivery_days):
            raise RuleViolation(
                "delivery_days",
                "days-once-each",
                id="Jadwal pengiriman berisi paling sedikit satu hari, masing-masing sekali.",
                en="The delivery schedule lists at least one day, each once.",
            )
        contract = cls(
            contract_id=contract_id,
            contract_number=contract_number,
            tender_reference=tender_reference,
            vendor=vendor,
            province=province,
            starts_on=starts_on,
            ends_on=ends_on,
            value_rupiah=value_rupiah,
            daily_ration_cost_rupiah=daily_ration_cost_rupiah,
            delivery_days=tuple(sorted(delivery_days, key=list(Weekday).index)),
            penalty=penalty or default_penalty_clause(starts_on, rules),
            standard=cost_standard(starts_on.year, province, rules),
        )
        contract.events.append(
            ContractSigned(
                contract_id=contract_id,
                vendor_id=vendor.vendor_id,
                vendor_name=vendor.name,
                upt_code=vendor.upt_code,
                fiscal_year=contract.fiscal_year,
                starts_on=starts_on,
                ends_on=ends_on,
                value_rupiah=value_rupiah,
                daily_ration_cost_rupiah=daily_ration_cost_rupiah,
                standard_rupiah=contract.standard.rupiah,
                cost_check=contract.cost_check.value,
            )
        )
        return contract


def vendor_not_found(vendor_id: str) -> NotFound:
    return NotFound(id=f"Penyedia {vendor_id} tidak ditemukan.", en=f"Vendor {vendor_id} not found.")


def contract_not_found(contract_id: str) -> NotFound:
    return NotFound(id=f"Kontrak {contract_id} tidak ditemukan.", en=f"Contract {contract_id} not found.")
