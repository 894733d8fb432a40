"""Integration-rights applications in and out of their tables (integration_applications, with
application_transitions and application_documents)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.repository import in_scope
from pas_remission.adapters.tables import application_documents, application_transitions, facilities, integration_applications
from pas_remission.domain.applications import (
    ENDED,
    Application,
    ApplicationStatus,
    IntegrationRight,
    Transition,
    concurrent_change,
    one_open_application,
)
from pas_shared.api import Scope

A = integration_applications
# Applications that keep an inmate off the decongestion list: a release right in progress or granted.
RELEASE_RIGHTS = [r.value for r in IntegrationRight if r is not IntegrationRight.ASIMILASI]
NOT_COUNTING = [ApplicationStatus.REJECTED.value, ApplicationStatus.WITHDRAWN.value, ApplicationStatus.REVOKED.value]


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def follow_transfer(self, inmate_id: str, *, upt_code: str, kanwil_code: str) -> int:
        """The inmate's applications still in progress move with them to the new UPT (its sidang
        TPP and its Kanwil take them over); ended ones stay where they ended. Returns how many."""
        result = await self.session.execute(
            update(A)
            .where(A.c.inmate_id == inmate_id, A.c.status.not_in([s.value for s in ENDED]))
            .values(upt_code=upt_code, kanwil_code=kanwil_code)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, application_id: str, *, scope: Scope) -> Application | None:
        """The application, or None when unknown or outside the caller's scope (the UPT it is
        with decides: an application in progress follows the inmate's transfers)."""
        query = select(A).where(A.c.application_id == application_id, *in_scope(A, scope))
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        app = _application(row)
        d = application_documents
        docs = select(d.c.document, d.c.received_on).where(d.c.application_id == application_id)
        app.documents = {code: on for code, on in (await self.session.execute(docs)).all()}
        app.transitions = (await self.transitions_of([application_id])).get(application_id, [])
        app.saved_transitions = len(app.transitions)
        return app

    async def transitions_of(self, application_ids: list[str]) -> dict[str, list[Transition]]:
        t = application_transitions
        out: dict[str, list[Transition]] = {}
        for start in range(0, len(application_ids), 5000):  # stay far below PostgreSQL's parameter limit
            chunk = application_ids[start : start + 5000]
            query = select(t).where(t.c.application_id.in_(chunk)).order_by(t.c.seq)
            for r in (await self.session.execute(query)).mappings():
                out.setdefault(r["application_id"], []).append(
                    Transition(
                        ApplicationStatus(r["from_status"]) if r["from_status"] else None,
                        ApplicationStatus(r["to_status"]),
                        r["by"],
                        r["why"],
                        r["at"],
                    )
                )
        return out

    async def add(self, app: Application) -> None:
        try:
            await self.session.execute(insert(A).values(application_id=app.application_id, **_row(app)))
        except IntegrityError:
            # ux_integration_applications_open_*: another application for this inmate came first.
            raise one_open_application(app.inmate_id, app.right) from None
        await self._save_children(app, by="", at=app.status_since)

    async def save(self, app: Application, *, by: str, at: datetime) -> None:
        """Write the changes; the status is updated only if no other request changed it since
        it was read (else a Conflict, and the unit of work rolls everything back)."""
        if app.loaded_status is not None:
            query = update(A).where(A.c.application_id == app.application_id, A.c.status == app.loaded_status.value)
            result = await self.session.execute(query.values(**_row(app)))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise concurrent_change(app.application_id)
            app.loaded_status = None
        await self._save_children(app, by=by, at=at)

    async def _save_children(self, app: Application, *, by: str, at: datetime) -> None:
        new = app.transitions[app.saved_transitions :]
        if new:
            await self.session.execute(
                insert(application_transitions),
                [
                    {
                        "application_id": app.application_id,
                        "from_status": t.from_status.value if t.from_status else None,
                        "to_status": t.to_status.value,
                        "by": t.by,
                        "why": t.why,
                        "at": t.at,
                    }
                    for t in new
                ],
            )
            app.saved_transitions = len(app.transitions)
        if app.new_documents:
            rows = [
                {
                    "application_id": app.application_id,
                    "document": code,
                    "received_on": app.documents[code],
                    "recorded_by": by,
                    "recorded_at": at,
                }
                for code in app.new_documents
            ]
            try:
                await self.session.execute(insert(application_documents), rows)
            except IntegrityError:  # the same document recorded by a concurrent request
                raise concurrent_change(app.application_id) from None
            app.new_documents.clear()

    async def find(
        self,
        *,
        upt_code: str | None = None,
        kanwil_code: str | None = None,
        status: ApplicationStatus | None = None,
        right: IntegrationRight | None = None,
        inmate_id: str | None = None,
        scope: Scope,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Application]:
        """Applications in the caller's scope, without their history (documents and transitions
        are not loaded)."""
        query = (
            select(A)
            .where(*_filters(upt_code, kanwil_code), *in_scope(A, scope))
            .order_by(A.c.opened_on, A.c.application_id)
            .offset(offset)
        )
        if status is not None:
            query = query.where(A.c.status == status.value)
        if right is not None:
            query = query.where(A.c.integration_right == right.value)
        if inmate_id is not None:
            query = query.where(A.c.inmate_id == inmate_id)
        if limit is not None:
            query = query.limit(limit)
        return [_application(r) for r in (await self.session.execute(query)).mappings()]

    async def with_history(
        self, statuses: list[ApplicationStatus], *, upt_code: str | None, kanwil_code: str | None, scope: Scope
    ) -> list[Application]:
        """Applications in the given statuses and the caller's scope, with their transitions (for
        the service-level clocks)."""
        query = (
            select(A)
            .where(A.c.status.in_([s.value for s in statuses]), *_filters(upt_code, kanwil_code), *in_scope(A, scope))
            .order_by(A.c.upt_code, A.c.opened_on, A.c.application_id)
        )
        apps = [_application(r) for r in (await self.session.execute(query)).mappings()]
        history = await self.transitions_of([a.application_id for a in apps])
        for app in apps:
            app.transitions = history.get(app.application_id, [])
            app.saved_transitions = len(app.transitions)
        return apps

    async def asimilasi_completed(self, inmate_id: str) -> bool:
        query = select(A.c.application_id).where(
            A.c.inmate_id == inmate_id,
            A.c.integration_right == IntegrationRight.ASIMILASI.value,
            A.c.status == ApplicationStatus.COMPLETED.value,
        )
        return (await self.session.execute(query)).first() is not None

    async def inmates_with_completed_asimilasi(self) -> set[str]:
        query = select(A.c.inmate_id).where(
            A.c.integration_right == IntegrationRight.ASIMILASI.value, A.c.status == ApplicationStatus.COMPLETED.value
        )
        return set((await self.session.execute(query)).scalars())

    async def inmates_with_release_right(self, *, upt_code: str | None, kanwil_code: str | None) -> set[str]:
        """Inmates with a PB, CB or CMB application in progress or granted."""
        query = select(A.c.inmate_id).where(
            A.c.integration_right.in_(RELEASE_RIGHTS), A.c.status.not_in(NOT_COUNTING), *_filters(upt_code, kanwil_code)
        )
        return set((await self.session.execute(query)).scalars())

    async def zones(self) -> dict[str, str]:
        """Each UPT's time zone (IANA name), for local dates."""
        return {
            code: zone for code, zone in (await self.session.execute(select(facilities.c.upt_code, facilities.c.time_zone))).all()
        }


def _filters(upt_code: str | None, kanwil_code: str | None) -> list[ColumnElement[bool]]:
    out = []
    if upt_code is not None:
        out.append(A.c.upt_code == upt_code)
    if kanwil_code is not None:
        out.append(A.c.kanwil_code == kanwil_code)
    return out


def _row(app: Application) -> dict[str, Any]:
    return {
        "inmate_id": app.inmate_id,
        "upt_code": app.upt_code,
        "kanwil_code": app.kanwil_code,
        "integration_right": app.right.value,
        "crime": app.crime,
        "status": app.status.value,
        "status_since": app.status_since,
        "opened_on": app.opened_on,
        "proposed_on": app.proposed_on,
        "earliest_on": app.earliest_on,
        "decree_number": app.decree_number,
        "decided_on": app.decided_on,
        "starts_on": app.starts_on,
        "ends_on": app.ends_on,
        "supervised_from": app.supervised_from,
        "revocation_ground": app.revocation_ground,
        "revoked_on": app.revoked_on,
        "completed_on": app.completed_on,
    }


def application_row(app: Application) -> dict[str, Any]:
    """The application as the audit log keeps it."""
    return {"application_id": app.application_id, **_row(app), "documents": dict(app.documents)}


def _application(row: Any) -> Application:
    return Application(
        application_id=row["application_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        kanwil_code=row["kanwil_code"],
        right=IntegrationRight(row["integration_right"]),
        crime=row["crime"],
        status=ApplicationStatus(row["status"]),
        opened_on=row["opened_on"],
        proposed_on=row["proposed_on"],
        earliest_on=row["earliest_on"],
        status_since=row["status_since"],
        decree_number=row["decree_number"],
        decided_on=row["decided_on"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        supervised_from=row["supervised_from"],
        revocation_ground=row["revocation_ground"],
        revoked_on=row["revoked_on"],
        completed_on=row["completed_on"],
    )
