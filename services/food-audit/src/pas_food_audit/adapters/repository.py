"""Repositories: the service's tables read and written with SQLAlchemy Core, one class per
aggregate. Every search takes the caller's scope and answers (page of items, total)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_food_audit.adapters.tables import (
    certificates,
    contracts,
    deliveries,
    findings,
    inspections,
    kitchen_assessments,
    kitchens,
    menu_cycles,
    roster,
    served_menus,
    vendors,
)
from pas_food_audit.domain.contracts import Contract, CostStandard, PenaltyClause, Vendor, Weekday, cost_standard
from pas_food_audit.domain.deliveries import Delivery
from pas_food_audit.domain.inspections import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Score,
    Severity,
    Transition,
    score,
)
from pas_food_audit.domain.kitchens import Certificate, CertificateStage, ConditionAssessment, Kitchen
from pas_food_audit.domain.menus import MenuCycle, ServedMenu, energy_checks
from pas_shared.api import Page, Scope
from pas_shared.db import utcnow


def in_scope(table: Table, scope: Scope) -> list[Any]:
    if scope.level == "upt":
        return [table.c.upt_code == scope.code]
    if scope.level == "kanwil":
        return [table.c.kanwil_code == scope.code]
    return []


@dataclass(frozen=True)
class Filter:
    """The filters lists share; each list uses those its records have."""

    upt_code: str | None = None
    kanwil_code: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    status: str | None = None
    vendor_id: str | None = None
    kitchen_id: str | None = None

    def where(self, table: Table, scope: Scope, *, date_column: str | None = None) -> list[Any]:
        found = in_scope(table, scope)
        if self.upt_code is not None:
            found.append(table.c.upt_code == self.upt_code)
        if self.kanwil_code is not None:
            found.append(table.c.kanwil_code == self.kanwil_code)
        if date_column is not None and self.from_date is not None:
            found.append(table.c[date_column] >= self.from_date)
        if date_column is not None and self.to_date is not None:
            found.append(table.c[date_column] <= self.to_date)
        if self.status is not None and "status" in table.c:
            found.append(table.c.status == self.status)
        if self.vendor_id is not None and "vendor_id" in table.c:
            found.append(table.c.vendor_id == self.vendor_id)
        if self.kitchen_id is not None and "kitchen_id" in table.c:
            found.append(table.c.kitchen_id == self.kitchen_id)
        return found


async def _page(session: AsyncSession, table: Table, where: list[Any], order: list[Any], page: Page) -> tuple[list[Any], int]:
    total = int((await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one())
    rows = (await session.execute(select(table).where(*where).order_by(*order).limit(page.limit).offset(page.offset))).mappings()
    return list(rows), total


def _visible(row: Any, scope: Scope) -> bool:
    return row is not None and scope.allows(upt_code=row["upt_code"], kanwil_code=row["kanwil_code"])


class VendorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, v: Vendor, *, by: str) -> None:
        await self.session.execute(insert(vendors).values(**vendor_row(v), by=by, at=utcnow()))

    async def name_taken(self, upt_code: str, name: str) -> bool:
        v = vendors
        query = select(func.count()).where(v.c.upt_code == upt_code, func.lower(v.c.name) == name.lower())
        return bool((await self.session.execute(query)).scalar_one())

    async def get(self, vendor_id: str, scope: Scope) -> Vendor | None:
        row = (await self.session.execute(select(vendors).where(vendors.c.vendor_id == vendor_id))).mappings().first()
        return _vendor(row) if _visible(row, scope) else None

    async def search(self, f: Filter, scope: Scope, page: Page) -> tuple[list[Vendor], int]:
        rows, total = await _page(self.session, vendors, f.where(vendors, scope), [vendors.c.upt_code, vendors.c.name], page)
        return [_vendor(r) for r in rows], total


def vendor_row(v: Vendor) -> dict[str, Any]:
    return {
        "vendor_id": v.vendor_id,
        "name": v.name,
        "npwp": v.npwp,
        "address": v.address,
        "upt_code": v.upt_code,
        "kanwil_code": v.kanwil_code,
    }


def _vendor(r: Any) -> Vendor:
    return Vendor(r["vendor_id"], r["name"], r["npwp"], r["address"], r["upt_code"], r["kanwil_code"])


class ContractRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, c: Contract, *, by: str) -> None:
        await self.session.execute(insert(contracts).values(**contract_row(c), by=by, at=utcnow()))

    async def number_taken(self, upt_code: str, number: str) -> bool:
        k = contracts
        query = select(func.count()).where(k.c.upt_code == upt_code, k.c.contract_number == number)
        return bool((await self.session.execute(query)).scalar_one())

    def _joined(self) -> Any:
        return select(contracts, *[c.label(f"v_{c.name}") for c in vendors.c]).join(
            vendors, vendors.c.vendor_id == contracts.c.vendor_id
        )

    async def get(self, contract_id: str, scope: Scope) -> Contract | None:
        row = (await self.session.execute(self._joined().where(contracts.c.contract_id == contract_id))).mappings().first()
        return _contract(row) if _visible(row, scope) else None

    async def search(self, f: Filter, scope: Scope, page: Page) -> tuple[list[Contract], int]:
        k = contracts
        where = f.where(k, scope)
        if f.from_date is not None:  # contracts running at some point of the period
            where.append(k.c.ends_on >= f.from_date)
        if f.to_date is not None:
            where.append(k.c.starts_on <= f.to_date)
        total = int((await self.session.execute(select(func.count()).select_from(k).where(*where))).scalar_one())
        query = self._joined().where(*where).order_by(k.c.starts_on.desc(), k.c.contract_id).limit(page.limit).offset(page.offset)
        return [_contract(r) for r in (await self.session.execute(query)).mappings()], total


def contract_row(c: Contract) -> dict[str, Any]:
    return {
        "contract_id": c.contract_id,
        "contract_number": c.contract_number,
        "tender_reference": c.tender_reference,
        "vendor_id": c.vendor.vendor_id,
        "upt_code": c.upt_code,
        "kanwil_code": c.kanwil_code,
        "province": c.province,
        "fiscal_year": c.fiscal_year,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "value_rupiah": c.value_rupiah,
        "daily_ration_cost_rupiah": c.daily_ration_cost_rupiah,
        "delivery_days": ",".join(d.value for d in c.delivery_days),
        "late_penalty_permille_per_day": c.penalty.late_penalty_permille_per_day,
        "penalty_cap_pct": c.penalty.penalty_cap_pct,
        "penalty_text": c.penalty.text,
    }


def _contract(r: Any) -> Contract:
    vendor = Vendor(r["v_vendor_id"], r["v_name"], r["v_npwp"], r["v_address"], r["v_upt_code"], r["v_kanwil_code"])
    standard: CostStandard = cost_standard(r["fiscal_year"], r["province"])
    return Contract(
        contract_id=r["contract_id"],
        contract_number=r["contract_number"],
        tender_reference=r["tender_reference"],
        vendor=vendor,
        province=r["province"],
        starts_on=r["starts_on"],
        ends_on=r["ends_on"],
        value_rupiah=r["value_rupiah"],
        daily_ration_cost_rupiah=r["daily_ration_cost_rupiah"],
        delivery_days=tuple(Weekday(d) for d in r["delivery_days"].split(",")),
        penalty=PenaltyClause(r["late_penalty_permille_per_day"], r["penalty_cap_pct"], r["penalty_text"]),
        standard=standard,
    )


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def headcount_on(self, upt_code: str, day: date) -> int:
        """Inmates on the local roster held in the UPT at the end of `day`: admitted on or
        before it and not released by then. The roster keeps each inmate's current UPT only, so
        an inmate transferred since counts in the UPT holding them now."""
        r = roster.roster
        query = select(func.count()).where(
            r.c.upt_code == upt_code, r.c.admitted_on <= day, or_(r.c.released_on.is_(None), r.c.released_on > day)
        )
        return int((await self.session.execute(query)).scalar_one())

    async def recorded(self, contract_id: str, day: date) -> bool:
        d = deliveries
        return bool(
            (
                await self.session.execute(select(func.count()).where(d.c.contract_id == contract_id, d.c.delivered_on == day))
            ).scalar_one()
        )

    async def add(self, d: Delivery, *, by: str) -> None:
        await self.session.execute(insert(deliveries).values(**delivery_row(d), by=by, at=utcnow()))

    async def get(self, delivery_id: str, scope: Scope) -> Delivery | None:
        row = (await self.session.execute(select(deliveries).where(deliveries.c.delivery_id == delivery_id))).mappings().first()
        return _delivery(row) if _visible(row, scope) else None

    async def search(self, f: Filter, scope: Scope, page: Page, *, contract_id: str | None) -> tuple[list[Delivery], int]:
        d = deliveries
        where = f.where(d, scope, date_column="delivered_on") + ([d.c.contract_id == contract_id] if contract_id else [])
        rows, total = await _page(self.session, d, where, [d.c.delivered_on.desc(), d.c.delivery_id], page)
        return [_delivery(r) for r in rows], total

    async def totals(self, f: Filter, scope: Scope, *, contract_id: str | None) -> dict[str, int]:
        d = deliveries
        where = f.where(d, scope, date_column="delivered_on") + ([d.c.contract_id == contract_id] if contract_id else [])
        accepted = d.c.delivered_rations - d.c.rejected_rations
        query = select(
            func.count(),
            func.coalesce(func.sum(d.c.headcount), 0),
            func.coalesce(func.sum(accepted), 0),
            func.coalesce(func.sum(d.c.rejected_rations), 0),
            func.coalesce(func.sum(accepted * d.c.daily_ration_cost_rupiah), 0),
        ).where(*where)
        n, heads, acc, rejected, cost = (await self.session.execute(query)).one()
        return {
            "deliveries": int(n),
            "inmate_days": int(heads),
            "accepted": int(acc),
            "rejected": int(rejected),
            "cost": int(cost),
        }


def delivery_row(d: Delivery) -> dict[str, Any]:
    return {
        "delivery_id": d.delivery_id,
        "contract_id": d.contract_id,
        "vendor_id": d.vendor_id,
        "upt_code": d.upt_code,
        "kanwil_code": d.kanwil_code,
        "delivered_on": d.delivered_on,
        "headcount": d.headcount,
        "ordered_rations": d.ordered_rations,
        "delivered_rations": d.delivered_rations,
        "rejected_rations": d.rejected_rations,
        "rejection_reason": d.rejection_reason,
        "daily_ration_cost_rupiah": d.daily_ration_cost_rupiah,
        "scheduled": d.scheduled,
        "notes": d.notes,
    }


def _delivery(r: Any) -> Delivery:
    return Delivery(
        delivery_id=r["delivery_id"],
        contract_id=r["contract_id"],
        vendor_id=r["vendor_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        delivered_on=r["delivered_on"],
        headcount=r["headcount"],
        ordered_rations=r["ordered_rations"],
        delivered_rations=r["delivered_rations"],
        rejected_rations=r["rejected_rations"],
        rejection_reason=r["rejection_reason"],
        daily_ration_cost_rupiah=r["daily_ration_cost_rupiah"],
        scheduled=r["scheduled"],
        notes=r["notes"],
    )


class KitchenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, k: Kitchen) -> None:
        await self.session.execute(insert(kitchens).values(**kitchen_row(k)))

    async def name_taken(self, upt_code: str, name: str) -> bool:
        k = kitchens
        return bool(
            (await self.session.execute(select(func.count()).where(k.c.upt_code == upt_code, k.c.name == name))).scalar_one()
        )

    async def get(self, kitchen_id: str, scope: Scope) -> Kitchen | None:
        row = (await self.session.execute(select(kitchens).where(kitchens.c.kitchen_id == kitchen_id))).mappings().first()
        return _kitchen(row) if _visible(row, scope) else None

    async def search(self, f: Filter, scope: Scope, page: Page) -> tuple[list[Kitchen], int]:
        rows, total = await _page(self.session, kitchens, f.where(kitchens, scope), [kitchens.c.upt_code, kitchens.c.name], page)
        return [_kitchen(r) for r in rows], total

    async def add_assessment(self, a: ConditionAssessment, *, by: str) -> None:
        await self.session.execute(insert(kitchen_assessments).values(**assessment_row(a), by=by, at=utcnow()))

    async def latest_assessment(self, kitchen_id: str) -> ConditionAssessment | None:
        a = kitchen_assessments
        query = select(a).where(a.c.kitchen_id == kitchen_id).order_by(a.c.assessed_on.desc(), a.c.at.desc()).limit(1)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        ratings = [(e["element"], e["condition"], e["note"]) for e in row["elements"]]
        return ConditionAssessment.assess(
            assessment_id=row["assessment_id"],
            kitchen_id=kitchen_id,
            assessed_on=row["assessed_on"],
            assessor=row["assessor"],
            ratings=ratings,
            today=row["assessed_on"],
        )


def kitchen_row(k: Kitchen) -> dict[str, Any]:
    return {"kitchen_id": k.kitchen_id, "upt_code": k.upt_code, "kanwil_code": k.kanwil_code, "name": k.name}


def _kitchen(r: Any) -> Kitchen:
    return Kitchen(r["kitchen_id"], r["upt_code"], r["kanwil_code"], r["name"])


def assessment_row(a: ConditionAssessment) -> dict[str, Any]:
    return {
        "assessment_id": a.assessment_id,
        "kitchen_id": a.kitchen_id,
        "assessed_on": a.assessed_on,
        "assessor": a.assessor,
        "elements": [{"element": e.element, "condition": e.condition, "note": e.note} for e in a.elements],
    }


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, c: Certificate, *, by: str) -> None:
        await self.session.execute(insert(certificates).values(**certificate_row(c), by=by, at=utcnow()))

    async def number_taken(self, kitchen_id: str, number: str) -> bool:
        c = certificates
        return bool(
            (
                await self.session.execute(select(func.count()).where(c.c.kitchen_id == kitchen_id, c.c.number == number))
            ).scalar_one()
        )

    async def save_warned(self, c: Certificate) -> None:
        t = certificates
        await self.session.execute(update(t).where(t.c.certificate_id == c.certificate_id).values(warned=_warned(c)))

    def _current(self) -> Any:
        """Each kitchen's latest certificate (the one expiring last)."""
        c = certificates
        later = certificates.alias("later")
        newer = select(later.c.certificate_id).where(
            later.c.kitchen_id == c.c.kitchen_id,
            or_(
                later.c.expires_on > c.c.expires_on,
                and_(later.c.expires_on == c.c.expires_on, later.c.certificate_id > c.c.certificate_id),
            ),
        )
        return (
            select(c, *[k.label(f"k_{k.name}") for k in kitchens.c])
            .join(kitchens, kitchens.c.kitchen_id == c.c.kitchen_id)
            .where(~newer.exists())
        )

    async def current(
        self, f: Filter, scope: Scope, *, expiring_by: date | None = None, for_update: bool = False
    ) -> list[Certificate]:
        c = certificates
        query = self._current().where(*f.where(c, scope))
        if expiring_by is not None:
            query = query.where(c.c.expires_on <= expiring_by)
        if for_update:  # two warning runs at once: the second waits, then finds them warned
            query = query.with_for_update(of=c)
        return [
            _certificate(r) for r in (await self.session.execute(query.order_by(c.c.expires_on, c.c.certificate_id))).mappings()
        ]

    async def of_kitchen(self, kitchen_id: str) -> list[Certificate]:
        c = certificates
        query = select(c, *[k.label(f"k_{k.name}") for k in kitchens.c]).join(kitchens, kitchens.c.kitchen_id == c.c.kitchen_id)
        query = query.where(c.c.kitchen_id == kitchen_id).order_by(c.c.expires_on.desc())
        return [_certificate(r) for r in (await self.session.execute(query)).mappings()]


def _warned(c: Certificate) -> str:
    return ",".join(sorted(s.value for s in c.warned))


def certificate_row(c: Certificate) -> dict[str, Any]:
    return {
        "certificate_id": c.certificate_id,
        "kitchen_id": c.kitchen.kitchen_id,
        "upt_code": c.kitchen.upt_code,
        "kanwil_code": c.kitchen.kanwil_code,
        "issuer": c.issuer,
        "number": c.number,
        "issued_on": c.issued_on,
        "expires_on": c.expires_on,
        "warned": _warned(c),
    }


def _certificate(r: Any) -> Certificate:
    kitchen = Kitchen(r["k_kitchen_id"], r["k_upt_code"], r["k_kanwil_code"], r["k_name"])
    warned = {CertificateStage(s) for s in r["warned"].split(",") if s}
    return Certificate(r["certificate_id"], kitchen, r["issuer"], r["number"], r["issued_on"], r["expires_on"], warned)


class InspectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, i: Inspection) -> None:
        await self.session.execute(insert(inspections).values(**inspection_row(i)))

    async def save(self, i: Inspection) -> None:
        t = inspections
        await self.session.execute(update(t).where(t.c.inspection_id == i.inspection_id).values(**inspection_row(i)))

    def _joined(self) -> Any:
        return select(inspections, *[k.label(f"k_{k.name}") for k in kitchens.c]).join(
            kitchens, kitchens.c.kitchen_id == inspections.c.kitchen_id
        )

    async def get(self, inspection_id: str, scope: Scope, *, for_update: bool = False) -> Inspection | None:
        query = self._joined().where(inspections.c.inspection_id == inspection_id)
        if for_update:
            query = query.with_for_update(of=inspections)
        row = (await self.session.execute(query)).mappings().first()
        return _inspection(row) if _visible(row, scope) else None

    async def search(self, f: Filter, scope: Scope, page: Page) -> tuple[list[Inspection], int]:
        t = inspections
        where = f.where(t, scope, date_column="planned_on")
        total = int((await self.session.execute(select(func.count()).select_from(t).where(*where))).scalar_one())
        query = (
            self._joined().where(*where).order_by(t.c.planned_on.desc(), t.c.inspection_id).limit(page.limit).offset(page.offset)
        )
        return [_inspection(r) for r in (await self.session.execute(query)).mappings()], total


def inspection_row(i: Inspection) -> dict[str, Any]:
    return {
        "inspection_id": i.inspection_id,
        "kitchen_id": i.kitchen.kitchen_id,
        "upt_code": i.kitchen.upt_code,
        "kanwil_code": i.kitchen.kanwil_code,
        "kind": i.kind.value,
        "planned_on": i.planned_on,
        "template_version": i.template_version,
        "status": i.status.value,
        "inspected_on": i.inspected_on,
        "inspector": i.inspector,
        "scores": [{"item": s.item, "score": s.score, "note": s.note, "owner": s.owner} for s in i.scores.values()],
        "rating": i.result.rating if i.result else None,
        "overall_pct": float(i.result.overall * 100) if i.result else None,
        "passed": i.result.passed if i.result else None,
        "transitions": [
            {"from": t.from_status.value if t.from_status else None, "to": t.to_status.value, "by": t.by, "why": t.why}
            for t in i.transitions
        ],
    }


def _inspection(r: Any) -> Inspection:
    kitchen = Kitchen(r["k_kitchen_id"], r["k_upt_code"], r["k_kanwil_code"], r["k_name"])
    i = Inspection(
        inspection_id=r["inspection_id"],
        kitchen=kitchen,
        kind=InspectionKind(r["kind"]),
        planned_on=r["planned_on"],
        template_version=r["template_version"],
        status=InspectionStatus(r["status"]),
        inspected_on=r["inspected_on"],
        inspector=r["inspector"],
        scores={s["item"]: Score(s["item"], s["score"], s["note"], s["owner"]) for s in r["scores"]},
        transitions=[
            Transition(InspectionStatus(t["from"]) if t["from"] else None, InspectionStatus(t["to"]), t["by"], t["why"])
            for t in r["transitions"]
        ],
    )
    if i.scores and i.inspected_on is not None:
        i.result = score(i.template(), i.scores, i.inspected_on)
    return i


class FindingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, found: list[Finding]) -> None:
        if found:
            await self.session.execute(insert(findings), [finding_row(f) for f in found])

    async def save(self, found: list[Finding]) -> None:
        t = findings
        for f in found:
            await self.session.execute(update(t).where(t.c.finding_id == f.finding_id).values(**finding_row(f)))

    def _joined(self) -> Any:
        return select(findings, *[k.label(f"k_{k.name}") for k in kitchens.c]).join(
            kitchens, kitchens.c.kitchen_id == findings.c.kitchen_id
        )

    async def unresolved(self, kitchen_id: str) -> list[Finding]:
        """Open and escalated findings of a kitchen, locked: a re-inspection closes them."""
        t = findings
        query = (
            self._joined()
            .where(t.c.kitchen_id == kitchen_id, t.c.status != FindingStatus.CLOSED.value)
            .order_by(t.c.opened_on, t.c.finding_id)
            .with_for_update(of=t)
        )
        return [_finding(r) for r in (await self.session.execute(query)).mappings()]

    async def open_due_before(self, day_bound: date, scope: Scope) -> list[Finding]:
        """Open findings due before `day_bound` (candidates: each is checked against its UPT's date)."""
        t = findings
        query = (
            self._joined()
            .where(t.c.status == FindingStatus.OPEN.value, t.c.due_on < day_bound, *in_scope(t, scope))
            .order_by(t.c.due_on, t.c.finding_id)
            .with_for_update(of=t)
        )
        return [_finding(r) for r in (await self.session.execute(query)).mappings()]

    async def search(self, f: Filter, scope: Scope, page: Page, *, inspection_id: str | None) -> tuple[list[Finding], int]:
        t = findings
        where = f.where(t, scope, date_column="due_on") + ([t.c.inspection_id == inspection_id] if inspection_id else [])
        total = int((await self.session.execute(select(func.count()).select_from(t).where(*where))).scalar_one())
        query = self._joined().where(*where).order_by(t.c.due_on, t.c.finding_id).limit(page.limit).offset(page.offset)
        return [_finding(r) for r in (await self.session.execute(query)).mappings()], total


def finding_row(f: Finding) -> dict[str, Any]:
    return {
        "finding_id": f.finding_id,
        "inspection_id": f.inspection_id,
        "kitchen_id": f.kitchen.kitchen_id,
        "upt_code": f.kitchen.upt_code,
        "kanwil_code": f.kitchen.kanwil_code,
        "item": f.item,
        "severity": f.severity.value,
        "owner": f.owner,
        "note": f.note,
        "opened_on": f.opened_on,
        "due_on": f.due_on,
        "status": f.status.value,
        "escalated_on": f.escalated_on,
        "closed_on": f.closed_on,
        "closed_by_inspection_id": f.closed_by_inspection_id,
    }


def _finding(r: Any) -> Finding:
    kitchen = Kitchen(r["k_kitchen_id"], r["k_upt_code"], r["k_kanwil_code"], r["k_name"])
    return Finding(
        finding_id=r["finding_id"],
        inspection_id=r["inspection_id"],
        kitchen=kitchen,
        item=r["item"],
        severity=Severity(r["severity"]),
        owner=r["owner"],
        note=r["note"],
        opened_on=r["opened_on"],
        due_on=r["due_on"],
        status=FindingStatus(r["status"]),
        escalated_on=r["escalated_on"],
        closed_on=r["closed_on"],
        closed_by_inspection_id=r["closed_by_inspection_id"],
    )


class MenuRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_cycle(self, c: MenuCycle, *, by: str) -> None:
        days = [{"day": d.day, "meals": d.meals, "kcal": {e.group: e.kcal for e in d.energy}} for d in c.days]
        row = {"cycle_id": c.cycle_id, "upt_code": c.upt_code, "kanwil_code": c.kanwil_code, "effective_from": c.effective_from}
        await self.session.execute(insert(menu_cycles).values(**row, days=days, by=by, at=utcnow()))

    async def cycle_starting(self, upt_code: str, on: date) -> bool:
        m = menu_cycles
        return bool(
            (
                await self.session.execute(select(func.count()).where(m.c.upt_code == upt_code, m.c.effective_from == on))
            ).scalar_one()
        )

    async def cycle_in_force(self, upt_code: str, on: date, scope: Scope) -> MenuCycle | None:
        m = menu_cycles
        query = select(m).where(m.c.upt_code == upt_code, m.c.effective_from <= on).order_by(m.c.effective_from.desc()).limit(1)
        row = (await self.session.execute(query)).mappings().first()
        return _cycle(row) if _visible(row, scope) else None

    async def get_cycle(self, cycle_id: str, scope: Scope) -> MenuCycle | None:
        row = (await self.session.execute(select(menu_cycles).where(menu_cycles.c.cycle_id == cycle_id))).mappings().first()
        return _cycle(row) if _visible(row, scope) else None

    async def search_cycles(self, f: Filter, scope: Scope, page: Page) -> tuple[list[MenuCycle], int]:
        m = menu_cycles
        rows, total = await _page(
            self.session, m, f.where(m, scope, date_column="effective_from"), [m.c.upt_code, m.c.effective_from.desc()], page
        )
        return [_cycle(r) for r in rows], total

    async def served_on(self, upt_code: str, on: date) -> bool:
        s = served_menus
        return bool(
            (await self.session.execute(select(func.count()).where(s.c.upt_code == upt_code, s.c.served_on == on))).scalar_one()
        )

    async def add_served(self, s: ServedMenu, kanwil_code: str, *, by: str) -> None:
        row = {
            "served_id": s.served_id,
            "cycle_id": s.cycle_id,
            "upt_code": s.upt_code,
            "kanwil_code": kanwil_code,
            "served_on": s.served_on,
            "cycle_day_served": s.cycle_day_served,
            "cycle_day_expected": s.cycle_day_expected,
            "kcal": {e.group: e.kcal for e in s.energy},
        }
        await self.session.execute(insert(served_menus).values(**row, by=by, at=utcnow()))

    async def search_served(self, f: Filter, scope: Scope, page: Page) -> tuple[list[ServedMenu], int]:
        s = served_menus
        rows, total = await _page(
            self.session, s, f.where(s, scope, date_column="served_on"), [s.c.served_on.desc(), s.c.served_id], page
        )
        return [
            ServedMenu(
                r["served_id"],
                r["cycle_id"],
                r["upt_code"],
                r["served_on"],
                r["cycle_day_served"],
                r["cycle_day_expected"],
                energy_checks(r["kcal"], r["served_on"], "kcal"),
            )
            for r in rows
        ], total


def _cycle(r: Any) -> MenuCycle:
    return MenuCycle.adopt(
        cycle_id=r["cycle_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        effective_from=r["effective_from"],
        days=[(d["day"], d["meals"], d["kcal"]) for d in r["days"]],
    )
