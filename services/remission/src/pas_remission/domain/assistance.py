"""Social assistance (bantuan sosial, bansos): distributions to an inmate or to a member of an
inmate's family, from a programme, by a partner agency (Kementerian Sosial, a regional
government, BAZNAS, ...).

No authoritative rule on social assistance for inmates or their families was found (domain.md
§2.5). The programmes are therefore a reference list in rule data
(rule_data/social_assistance.json, status "unconfirmed"), not a rule of law; the checks here are
the ones any record needs to be usable (a known programme, an amount or a description, a valid
NIK for a family member, dates that make sense).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache

from pydantic import BaseModel

from pas_shared.errors import RuleViolation
from pas_shared.events.remission import AssistanceDistributed
from pas_shared.rules import RuleBook, RuleSet

PROGRAMMES_RULE = "social-assistance-programmes"

# The Nomor Induk Kependudukan on the KTP and the family card (KK) has 16 digits.
_NIK = re.compile(r"^[0-9]{16}$")


class AssistanceKind(StrEnum):
    CASH = "cash"
    GOODS = "goods"  # e.g. sembako
    SERVICE = "service"  # e.g. health-insurance contributions paid (PBI-JK)


class RecipientType(StrEnum):
    INMATE = "inmate"
    FAMILY = "family"


class Relationship(StrEnum):
    """A family member's relationship to the inmate."""

    SPOUSE = "spouse"  # suami / istri
    CHILD = "child"  # anak
    PARENT = "parent"  # orang tua
    SIBLING = "sibling"  # saudara kandung
    GUARDIAN = "guardian"  # wali
    OTHER = "other"


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    kinds: frozenset[AssistanceKind]
    usual_partner: str


@cache
def assistance_rules() -> RuleBook:
    return RuleBook.from_package("pas_remission.domain", "rule_data/social_assistance.json")


def programmes_in(rule_set: RuleSet) -> dict[str, Programme]:
    return {
        p["code"]: Programme(p["code"], p["name"], frozenset(AssistanceKind(k) for k in p["kinds"]), p.get("usual_partner", ""))
        for p in rule_set.values["programmes"]
    }


def programme_list(on: date, rules: RuleBook | None = None) -> tuple[RuleSet, dict[str, Programme]]:
    """The reference list in force on `on` (and its rule set, which says how sure it is)."""
    rule_set = (rules or assistance_rules()).in_force(PROGRAMMES_RULE, on)
    return rule_set, programmes_in(rule_set)


@dataclass(frozen=True)
class FamilyMember:
    name: str
    relationship: Relationship
    nik: str  # Nomor Induk Kependudukan; kept by this service, never put in events


def mask_nik(nik: str) -> str:
    """Only the last four digits are shown back."""
    return "*" * (len(nik) - 4) + nik[-4:]


@dataclass
class Distribution:
    distribution_id: str
    programme: str
    kind: AssistanceKind
    amount_rupiah: int | None
    description: str | None
    distributed_on: date
    partner_agency: str
    inmate_id: str
    family: FamilyMember | None
    upt_code: str  # the UPT holding the inmate on the distribution date
    kanwil_code: str
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def recipient_type(self) -> RecipientType:
        return RecipientType.INMATE if self.family is None else RecipientType.FAMILY

    @classmethod
    def record(
        cls,
        *,
        distribution_id: str,
        programme: str,
        kind: AssistanceKind,
        amount_rupiah: int | None,
        description: str | None,
        distributed_on: date,
        partner_agency: str,
        recipient_type: RecipientType,
        inmate_id: str,
        family_name: str | None,
        relationship: Relationship | None,
        nik: str | None,
        admitted_on: date,
        upt_code: str,
        kanwil_code: str,
        today: date,
        rules: RuleBook | None = None,
    ) -> "Distribution":
        """Validate and record a distribution. `admitted_on` is the inmate's admission date,
        `today` the local date of the UPT holding the inmate on the distribution date."""
        family = _family(recipient_type, family_name, relationship, nik)
        try:
            _, programmes = programme_list(distributed_on, rules)
        except LookupError:
            programmes = {}
        found = programmes.get(programme)
        if found is None:
            listed = ", ".join(sorted(programmes)) or "-"
            raise RuleViolation(
                "programme",
                "programme-listed",
                id=f"Program {programme} tidak ada dalam daftar program bantuan sosial ({listed}).",
                en=f"Programme {programme} is not in the list of social-assistance programmes ({listed}).",
            )
        if kind not in found.kinds:
            kinds = ", ".join(sorted(k.value for k in found.kinds))
            raise RuleViolation(
                "kind",
                "kind-of-programme",
                id=f"Program {programme} disalurkan dalam bentuk: {kinds}.",
                en=f"Programme {programme} is distributed as: {kinds}.",
            )
        if kind is AssistanceKind.CASH and amount_rupiah is None:
            raise RuleViolation(
                "amount_rupiah",
                "required-for-cash",
                id="Bantuan tunai wajib mencantumkan jumlah rupiah.",
                en="Cash assistance needs an amount in rupiah.",
            )
        if amount_rupiah is not None and amount_rupiah <= 0:
            raise RuleViolation(
                "amount_rupiah",
                "positive",
                id="Jumlah rupiah harus lebih dari nol.",
                en="The amount in rupiah must be more than zero.",
            )
        if kind is not AssistanceKind.CASH and not description:
            raise RuleViolation(
                "description",
                "required-for-goods-and-services",
                id="Bantuan barang atau jasa wajib diberi uraian (apa dan berapa banyak).",
                en="Goods or a service need a description (what and how much).",
            )
        if distributed_on < admitted_on:
            raise RuleViolation(
                "distributed_on",
                "not-before-admission",
                id="Tanggal penyaluran tidak boleh sebelum tanggal masuk WBP.",
                en="The distribution date cannot be before the inmate's admission date.",
            )
        if distributed_on > today:
            raise RuleViolation(
                "distributed_on",
                "not-in-future",
                id="Penyaluran dicatat saat terjadi, bukan sebelumnya.",
                en="A distribution is recorded when it happens, not ahead of time.",
            )
        d = cls(
            distribution_id=distribution_id,
            programme=programme,
            kind=kind,
            amount_rupiah=amount_rupiah,
            description=description or None,
            distributed_on=distributed_on,
            partner_agency=partner_agency,
            inmate_id=inmate_id,
            family=family,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
        )
        d.events.append(
            AssistanceDistributed(
                distribution_id=distribution_id,
                programme=programme,
                kind=kind.value,
                amount_rupiah=amount_rupiah,
                distributed_on=distributed_on,
                partner_agency=partner_agency,
                recipient_type=d.recipient_type.value,
                inmate_id=inmate_id,
                relationship=family.relationship.value if family else None,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
            )
        )
        return d


def _family(
    recipient_type: RecipientType, name: str | None, relationship: Relationship | None, nik: str | None
) -> FamilyMember | None:
    if recipient_type is RecipientType.INMATE:
        given = [f for f, v in (("name", name), ("relationship", relationship), ("nik", nik)) if v is not None]
        if given:
            raise RuleViolation(
                f"recipient.{given[0]}",
                "family-only",
                id="Nama, hubungan keluarga dan NIK diisi hanya bila penerimanya anggota keluarga.",
                en="Name, relationship and NIK are given only when the recipient is a family member.",
            )
        return None
    for f, v in (("name", name), ("relationship", relationship), ("nik", nik)):
        if not v:
            raise RuleViolation(
                f"recipient.{f}",
                "required-for-family",
                id="Penerima anggota keluarga wajib diisi nama, hubungan keluarga dan NIK.",
                en="A family-member recipient needs a name, a relationship and a NIK.",
            )
    assert name and relationship and nik
    if not _NIK.match(nik):
        raise RuleViolation(
            "recipient.nik",
            "nik-16-digits",
            id="NIK harus terdiri dari 16 angka.",
            en="A NIK (Nomor Induk Kependudukan) has exactly 16 digits.",
        )
    return FamilyMember(name=name, relationship=relationship, nik=nik)
