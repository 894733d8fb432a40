"""Searches, their teams, seizures and chains of custody: domain objects in and out of the tables."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.discipline import cases_of_seizures
from pas_security.adapters.incidents import scoped
from pas_security.adapters.tables import (
    search_team,
    searches,
    seizure_custody,
    seizure_discipline_cases,
    seizure_incidents,
    seizures,
)
from pas_security.domain.search import CustodyStatus, CustodyStep, LinkKind, Search, Seizure, SeizureLink, TeamMember
from pas_shared.api import Page, Scope


@dataclass(frozen=True)
class SearchFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    started_from: date | None = None  # UPT-local dates, both included
    started_to: date | None = None
    place: str | None = None
    incident_id: str | None = None


@dataclass(frozen=True)
class SeizureFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    item_type: str | None = None
    status: CustodyStatus | None = None
    unverified_only: bool = False
    search_id: str | None = None
    incident_id: str | None = None  # found in a search that followed it, or linked to it later


def _searches(query: Select[Any], f: SearchFilter, scope: Scope) -> Select[Any]:
    query, c = scoped(query, searches, scope), searches.c
    for column, value in ((c.upt_code, f.upt_code), (c.kanwil_code, f.kanwil_code), (c.place, f.place)):
        if value is not None:
            query = query.where(column == value)
    if f.incident_id is not None:
        query = query.where(c.incident_id == f.incident_id)
    if f.started_from is not None:
        query = query.where(c.started_on >= f.started_from)
    if f.started_to is not None:
        query = query.where(c.started_on <= f.started_to)
    return query


def _seizures(query: Select[Any], f: SeizureFilter, scope: Scope) -> Select[Any]:
    query, c = scoped(query, seizures, scope), seizures.c
    for column, value in (
        (c.upt_code, f.upt_code),
        (c.kanwil_code, f.kanwil_code),
        (c.item_type, f.item_type),
        (c.search_id, f.search_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.status is not None:
        query = query.where(c.status == f.status.value)
    if f.unverified_only:
        query = query.where(c.inmate_verified.is_(False))
    if f.incident_id is not None:
        query = query.where(
            or_(
                c.search_id.in_(select(searches.c.search_id).where(searches.c.incident_id == f.incident_id)),
                c.seizure_id.in_(select(seizure_incidents.c.seizure_id).where(seizure_incidents.c.incident_id == f.incident_id)),
            )
        )
    return query


class SearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, search: Search) -> None:
        await self.session.execute(insert(searches).values(**search_row(search)))
        if search.team:
            await self.session.execute(
                insert(search_team),
                [
                    {"search_id": search.search_id, "seq": i, "name": m.name, "role": m.role, "nip": m.nip}
                    for i, m in enumerate(search.team, start=1)
                ],
            )
        if search.seizures:
            await self.session.execute(insert(seizures), [seizure_row(s) for s in search.seizures])
            for s in search.seizures:
                await self._save_steps(s)

    async def get(self, search_id: str, scope: Scope) -> Search | None:
        query = scoped(select(searches).where(searches.c.search_id == search_id), searches, scope)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        search = _search(row)
        team = await self.session.execute(
            select(search_team).where(search_team.c.search_id == search_id).order_by(search_team.c.seq)
        )
        search.team = [TeamMember(r["name"], r["role"], r["nip"]) for r in team.mappings()]
        found, _ = await self.find_seizures(SeizureFilter(search_id=search_id), scope, Page(10_000, 0))
        search.seizures = found
        return search

    async def find(self, f: SearchFilter, scope: Scope, page: Page) -> tuple[list[tuple[Search, int]], int]:
        """Searches latest first, each with how many items were seized."""
        total = int((await self.session.execute(_searches(select(func.count()).select_from(searches), f, scope))).scalar_one())
        items = (
            select(seizures.c.search_id, func.coalesce(func.sum(seizures.c.count), 0).label("seized_count"))
            .group_by(seizures.c.search_id)
            .subquery()
        )
        query = (
            _searches(
                select(searches, items.c.seized_count).outerjoin(items, items.c.search_id == searches.c.search_id), f, scope
            )
            .order_by(searches.c.started_at.desc(), searches.c.search_id)
            .limit(page.limit)
            .offset(page.offset)
        )
        rows = (await self.session.execute(query)).mappings()
        return [(_search(r), int(r["seized_count"] or 0)) for r in rows], total

    async def get_seizure(self, seizure_id: str, scope: Scope, *, for_update: bool = False) -> Seizure | None:
        query = scoped(select(seizures).where(seizures.c.seizure_id == seizure_id), seizures, scope)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        seizure = _seizure(row)
        await self._load_steps([seizure])
        return seizure

    async def find_seizures(self, f: SeizureFilter, scope: Scope, page: Page) -> tuple[list[Seizure], int]:
        total = int((await self.session.execute(_seizures(select(func.count()).select_from(seizures), f, scope))).scalar_one())
        query = _seizures(select(seizures), f, scope).order_by(seizures.c.seizure_id).limit(page.limit).offset(page.offset)
        found = [_seizure(r) for r in (await self.session.execute(query)).mappings()]
        await self._load_steps(found)
        return found, total

    async def save_seizure(self, seizure: Seizure) -> None:
        await self.session.execute(
            update(seizures).where(seizures.c.seizure_id == seizure.seizure_id).values(status=seizure.status.value)
        )
        await self._save_steps(seizure)

    async def search_incident_id(self, search_id: str) -> str | None:
        """The incident the item's search followed, if any."""
        query = select(searches.c.incident_id).where(searches.c.search_id == search_id)
        found: str | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def save_links(self, seizure: Seizure) -> None:
        for link in seizure.new_links:
            table = seizure_incidents if link.kind is LinkKind.INCIDENT else seizure_discipline_cases
            target = "incident_id" if link.kind is LinkKind.INCIDENT else "case_id"
            await self.session.execute(
                insert(table).values(
                    seizure_id=seizure.seizure_id,
                    **{target: link.target_id},
                    linked_by=link.linked_by,
                    linked_at=link.linked_at,
                    why=link.why,
                )
            )
        seizure.new_links.clear()

    async def totals(self, f: SearchFilter, scope: Scope) -> list[tuple[str, str, str, int, int, Any, Any]]:
        """(upt, kanwil, item type, searches with it, items, grams, rupiah) over the searches found."""
        s, z = searches.c, seizures.c
        query = _searches(
            select(
                s.upt_code,
                s.kanwil_code,
                z.item_type,
                func.count(func.distinct(s.search_id)),
                func.sum(z.count),
                func.sum(z.weight_grams),
                func.sum(z.amount_rupiah),
            ).join(seizures, z.search_id == s.search_id),
            f,
            scope,
        ).group_by(s.upt_code, s.kanwil_code, z.item_type)
        rows = (await self.session.execute(query.order_by(s.upt_code, z.item_type))).all()
        return [(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6]) for r in rows]

    async def search_counts(self, f: SearchFilter, scope: Scope) -> dict[tuple[str, str], int]:
        s = searches.c
        query = _searches(select(s.upt_code, s.kanwil_code, func.count()), f, scope).group_by(s.upt_code, s.kanwil_code)
        return {(r[0], r[1]): int(r[2]) for r in (await self.session.execute(query)).all()}

    async def _save_steps(self, seizure: Seizure) -> None:
        if seizure.new_steps:
            await self.session.execute(
                insert(seizure_custody), [{"seizure_id": seizure.seizure_id, **_step_row(st)} for st in seizure.new_steps]
            )
            seizure.new_steps.clear()

    async def _load_steps(self, found: list[Seizure]) -> None:
        """Each seizure's chain of custody, and the discipline cases it led to."""
        if not found:
            return
        by_id = {s.seizure_id: s for s in found}
        for seizure_id, case_ids in (await cases_of_seizures(self.session, list(by_id))).items():
            by_id[seizure_id].discipline_case_ids = case_ids
        await self._load_links(by_id)
        query = (
            select(seizure_custody)
            .where(seizure_custody.c.seizure_id.in_(list(by_id)))
            .order_by(seizure_custody.c.seizure_id, seizure_custody.c.seq)
        )
        for r in (await self.session.execute(query)).mappings():
            by_id[r["seizure_id"]].steps.append(
                CustodyStep(
                    r["seq"],
                    None if r["from_status"] is None else CustodyStatus(r["from_status"]),
                    CustodyStatus(r["to_status"]),
                    r["at"],
                    r["handled_by"],
                    r["place"],
                    r["witness"],
                    r["recipient"],
                    r["document_no"],
                    r["recorded_by"],
                    r["recorded_at"],
                )
            )

    async def _load_links(self, by_id: dict[str, Seizure]) -> None:
        """The incidents linked after the search and every link's who, when and why."""
        ids = list(by_id)
        links: list[tuple[str, SeizureLink]] = []
        i = seizure_incidents.c
        incidents = select(seizure_incidents).where(i.seizure_id.in_(ids)).order_by(i.linked_at, i.incident_id)
        for r in (await self.session.execute(incidents)).mappings():
            by_id[r["seizure_id"]].incident_ids.append(r["incident_id"])
            links.append(
                (r["seizure_id"], SeizureLink(LinkKind.INCIDENT, r["incident_id"], r["linked_by"], r["linked_at"], r["why"]))
            )
        d = seizure_discipline_cases.c
        cases = select(seizure_discipline_cases).where(d.seizure_id.in_(ids), d.linked_at.is_not(None))
        for r in (await self.session.execute(cases)).mappings():
            links.append(
                (r["seizure_id"], SeizureLink(LinkKind.DISCIPLINE_CASE, r["case_id"], r["linked_by"], r["linked_at"], r["why"]))
            )
        for seizure_id, link in sorted(links, key=lambda x: (x[1].linked_at, x[1].kind.value, x[1].target_id)):
            by_id[seizure_id].links.append(link)


def _search(row: Any) -> Search:
    return Search(
        search_id=row["search_id"],
        upt_code=row["upt_code"],
        kanwil_code=row["kanwil_code"],
        time_zone=row["time_zone"],
        place=row["place"],
        location=row["location"],
        started_at=row["started_at"],
        started_on=row["started_on"],
        ended_at=row["ended_at"],
        incident_id=row["incident_id"],
        notes=row["notes"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def search_row(s: Search) -> dict[str, Any]:
    return {
        "search_id": s.search_id,
        "upt_code": s.upt_code,
        "kanwil_code": s.kanwil_code,
        "time_zone": s.time_zone,
        "place": s.place,
        "location": s.location,
        "started_at": s.started_at,
        "started_on": s.started_on,
        "ended_at": s.ended_at,
        "incident_id": s.incident_id,
        "notes": s.notes,
        "created_by": s.created_by,
        "created_at": s.created_at,
    }


def seizure_audit(s: Seizure) -> dict[str, Any]:
    return seizure_row(s) | {"incident_ids": list(s.incident_ids), "discipline_case_ids": list(s.discipline_case_ids)}


def _seizure(row: Any) -> Seizure:
    return Seizure(
        seizure_id=row["seizure_id"],
        search_id=row["search_id"],
        upt_code=row["upt_code"],
        kanwil_code=row["kanwil_code"],
        time_zone=row["time_zone"],
        item_type=row["item_type"],
        count=row["count"],
        description=row["description"],
        weight_grams=row["weight_grams"],
        amount_rupiah=row["amount_rupiah"],
        inmate_id=row["inmate_id"],
        inmate_verified=row["inmate_verified"],
        status=CustodyStatus(row["status"]),
    )


def seizure_row(s: Seizure) -> dict[str, Any]:
    return {
        "seizure_id": s.seizure_id,
        "search_id": s.search_id,
        "upt_code": s.upt_code,
        "kanwil_code": s.kanwil_code,
        "time_zone": s.time_zone,
        "item_type": s.item_type,
        "count": s.count,
        "description": s.description,
        "weight_grams": s.weight_grams,
        "amount_rupiah": s.amount_rupiah,
        "inmate_id": s.inmate_id,
        "inmate_verified": s.inmate_verified,
        "status": s.status.value,
    }


def _step_row(st: CustodyStep) -> dict[str, Any]:
    return {
        "seq": st.seq,
        "from_status": None if st.from_status is None else st.from_status.value,
        "to_status": st.to_status.value,
        "at": st.at,
        "handled_by": st.handled_by,
        "place": st.place,
        "witness": st.witness,
        "recipient": st.recipient,
        "document_no": st.document_no,
        "recorded_by": st.recorded_by,
        "recorded_at": st.recorded_at,
    }


def search_audit(s: Search) -> dict[str, Any]:
    return search_row(s) | {
        "team": [{"name": m.name, "role": m.role, "nip": m.nip} for m in s.team],
        "seizures": [seizure_row(z) for z in s.seizures],
    }
