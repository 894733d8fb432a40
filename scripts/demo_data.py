"""Demo data for `make run`: a few real UPTs with the capacities and occupancy the press
reported (domain.md §3.4, §4.2), filled with SYNTHETIC inmates (made-up register numbers and
birth dates, no real person). Loaded through the remission API like any officer's input, so it
travels the same outbox -> Kafka -> consumers path. Skipped if already loaded."""

import argparse
import asyncio
import random
import sys
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx

# (upt_code, name, type, kanwil, capacity, reported occupants, zone, source in domain.md)
UPTS = [
    ("LP-BAGANSIAPIAPI", "Lapas Kelas IIA Bagansiapiapi", "Lapas", "KW-RIAU", 98, 927, "Asia/Jakarta"),  # era.id 2023-03
    ("RT-JENEPONTO", "Rutan Kelas IIB Jeneponto", "Rutan", "KW-SULSEL", 44, 375, "Asia/Makassar"),  # era.id 2023-03
    ("LP-KUTACANE", "Lapas Kelas IIB Kutacane", "Lapas", "KW-ACEH", 100, 386, "Asia/Jakarta"),  # rmnews.id 2025
    ("LP-TASIKMALAYA", "Lapas Kelas IIB Tasikmalaya", "Lapas", "KW-JABAR", 88, 377, "Asia/Jakarta"),  # matakota.com
]


# Rough national shares, for synthetic data only.
RELIGIONS = ["islam", "kristen", "katolik", "hindu", "buddha", "konghucu"]
AUTHORITIES = ["penyidik", "penuntut-umum", "pengadilan-negeri", "pengadilan-negeri", "pengadilan-tinggi"]
RELIGION_WEIGHTS = [87, 7, 3, 2, 0.7, 0.3]


async def login(gateway: str, password: str) -> dict[str, str]:
    """The national demo user's token (the services verify the gateway's tokens)."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        response = await client.post("/api/v1/auth/token", data={"username": "nasional", "password": password})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def retried(send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """SQLite lets one writer at a time: a transaction that read before another committed is
    refused ("database is locked", a 500 rolled back), so the load retries it."""
    for attempt in range(5):
        response = await send()
        if response.status_code < 500 or attempt == 4:
            break
        await asyncio.sleep(0.2 * (attempt + 1))
    response.raise_for_status()
    return response


async def main(remission: str, gateway: str, password: str) -> int:
    rng = random.Random(2025)
    auth = await login(gateway, password)
    async with httpx.AsyncClient(base_url=remission, timeout=30, headers=auth) as client:
        first = UPTS[0]
        if (await client.get(f"/api/v1/facilities/{first[0]}")).status_code == 200:
            print("demo data already loaded")
            return 0
        admissions = []
        for code, name, kind, kanwil, capacity, occupants, zone in UPTS:
            body = {
                "upt_code": code,
                "name": name,
                "upt_type": kind,
                "kanwil_code": kanwil,
                "capacity": capacity,
                "time_zone": zone,
            }
            response = await client.post("/api/v1/facilities", json=body)
            response.raise_for_status()
            for n in range(occupants):
                admitted = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 300))
                status = rng.choice(["tahanan", "narapidana", "narapidana"])
                admissions.append(
                    {
                        "register_number": f"DEMO-{n:05d}",
                        "upt_code": code,
                        "custody_status": status,
                        **({"detaining_authority": rng.choice(AUTHORITIES)} if status == "tahanan" else {}),
                        "birth_date": (admitted - timedelta(days=rng.randrange(18 * 365, 60 * 365))).isoformat(),
                        "admitted_on": admitted.isoformat(),
                        "religion": rng.choices(RELIGIONS, weights=RELIGION_WEIGHTS)[0],
                    }
                )
        queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        for a in admissions:
            queue.put_nowait(a)

        async def worker() -> None:
            while not queue.empty():
                admission = queue.get_nowait()
                response = await retried(lambda body=admission: client.post("/api/v1/inmates", json=body))
                if admission["custody_status"] == "narapidana":  # a final verdict, so dates and remission show
                    admitted = date.fromisoformat(admission["admitted_on"])
                    verdict = {
                        "verdict_final_on": (admitted + timedelta(days=rng.randrange(30, 200))).isoformat(),
                        "sentence": {"years": rng.randrange(0, 6), "months": rng.randrange(6, 12)},
                        "crime": rng.choices(["umum", "narkotika"], weights=[60, 40])[0],
                    }
                    inmate_id = response.json()["inmate_id"]
                    await retried(lambda url=f"/api/v1/inmates/{inmate_id}/verdict", body=verdict: client.put(url, json=body))

        await asyncio.gather(*(worker() for _ in range(8)))
    print(f"loaded {len(UPTS)} UPTs and {len(admissions)} synthetic inmates")
    async with httpx.AsyncClient(base_url=gateway, timeout=10, headers=auth) as client:
        for _ in range(300):
            body = (await client.get("/api/v1/kpi/occupancy")).json()
            kpi = {k["id"]: k["value"] for k in body.get("kpis", [])}
            if kpi.get("occupants") == len(admissions):
                over = kpi["overcrowding_pct"]
                print(f"gateway KPI: {kpi['occupants']} occupants / {kpi['capacity']} places, over capacity {over}%")
                return 0
            await asyncio.sleep(0.2)
    print("the gateway KPI did not catch up within 60 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--remission", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--password", required=True, help="the demo users' password (PAS_GATEWAY_DEMO_PASSWORD)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.remission, args.gateway, args.password)))
