"""`pas`: the operator's command-line tool. Every command reads the same environment variables as
the services (PAS_<SERVICE>_DATABASE_URL, PAS_<SERVICE>_KAFKA_BOOTSTRAP,
PAS_<SERVICE>_KAFKA_NAMESPACE, ...); with none set it works on the local stack of `make run`
(SQLite files in .run/local/, Kafka on 127.0.0.1:9092). Exit codes: 0 done, 1 the job failed,
2 a setting or an argument is wrong. Errors name the variable, never its value."""

import asyncio
import json
import logging
import sys
from collections.abc import Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from pas_ops import dlq as dlq_ops
from pas_ops.services import PACKAGES, OpsError

T = TypeVar("T")


def _run(job: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(job)
    except OpsError as exc:
        click.echo(f"pas: {exc.id}\n     {exc.en}", err=True)
        sys.exit(exc.code)


def _fail(exc: OpsError) -> None:
    click.echo(f"pas: {exc.id}\n     {exc.en}", err=True)
    sys.exit(exc.code)


@click.group(help=__doc__)
@click.version_option(package_name="pas-ops", prog_name="pas")
def cli() -> None:
    pass


@cli.command(help="Run a service's database migrations (Alembic) to head; `all`: the five, one after the other.")
@click.argument("service", type=click.Choice([*sorted(PACKAGES), "all"]))
def migrate(service: str) -> None:
    from pas_ops.migrate import migrate_many

    try:
        for line in migrate_many(service):
            click.echo(line)
    except OpsError as exc:
        _fail(exc)


@cli.group(help="Seed the remission database: `reference` (named UPTs) or `demo` (the synthetic national register).")
def seed() -> None:
    pass


@seed.command("reference", help="Register the named UPTs of the reference data that a source gives a capacity for.")
def seed_reference() -> None:
    from pas_ops.seed import seed_reference as run

    done = _run(run())
    click.echo(f"registered {len(done.registered)}: {', '.join(done.registered) or '-'}")
    click.echo(f"already registered {len(done.already)}: {', '.join(done.already) or '-'}")
    click.echo(
        f"not registered, no capacity in the reference data ({len(done.without_capacity)}): "
        "register them with their real capacity (POST /api/v1/facilities)"
    )


@seed.command("demo", help="Fill an EMPTY, migrated remission database with the SYNTHETIC national register (no real person).")
@click.option("--scale", type=float, default=0.01, show_default=True, help="Share of the national population (1 = ~277,000).")
@click.option("--seed", "seed_", type=int, default=2025, show_default=True)
@click.option("--on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="The day the register stands (default: today).")
def seed_demo(scale: float, seed_: int, on: datetime | None) -> None:
    from pas_ops.seed import seed_demo as run

    summary = _run(run(scale=scale, seed=seed_, on=on.date() if on else date.today()))
    click.echo(" ".join(f"{k}={v:,}" for k, v in summary.items()) + " (SYNTHETIC)")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(
            OpsError(
                f"--since {value!r} bukan waktu ISO 8601 (mis. 2026-03-01T00:00:00+07:00).",
                f"--since {value!r} is not an ISO 8601 time (e.g. 2026-03-01T00:00:00+07:00).",
                code=2,
            )
        )
        raise
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@cli.command(
    help="Move a stopped service's consumer group back so it reads the messages again (its inbox skips what it applied)."
)
@click.argument("service", type=click.Choice(sorted(PACKAGES)))
@click.argument("subscription")
@click.option("--from-beginning", is_flag=True, help="From the start of every partition.")
@click.option("--since", metavar="ISO-TIME", help="From the first message at or after this time (no zone: UTC).")
@click.option("--reapply", is_flag=True, help="Also forget those events in the consumer's inbox, so they are applied again.")
def replay(service: str, subscription: str, from_beginning: bool, since: str | None, reapply: bool) -> None:
    from pas_ops.replay import replay as run

    if from_beginning == (since is not None):
        _fail(OpsError("Pilih salah satu: --from-beginning atau --since.", "Give one of --from-beginning or --since.", code=2))
    done = _run(run(service, subscription, since=_since(since), reapply=reapply))
    p = done.plan
    click.echo(
        f"{p.group_id}: {len(p.to)} partitions moved back; {p.again} messages already read will be read again, "
        f"{p.delivered} delivered in all when {service} starts"
    )
    if reapply:
        click.echo(f"{done.forgotten} events removed from the inbox of {p.group_id.removeprefix('pas.')}: they are applied again")
    else:
        click.echo("events already applied are skipped by the consumer's inbox (--reapply applies them again)")


@cli.group(help="Dead-letter topics (<topic>.dlq): list, show, re-drive.")
def dlq() -> None:
    pass


@dlq.command(
    "list",
    help="Without TOPIC: every DLQ of the namespace with its size (--service's settings, default the gateway's). "
    "With TOPIC: one line per message.",
)
@click.argument("topic", required=False)
@click.option("--service", type=click.Choice(sorted(PACKAGES)), help="Whose settings to use (default: the topic's owner).")
def dlq_list(topic: str | None, service: str | None) -> None:
    if topic is None:
        counts = _run(_dlq_topics(service or "gateway"))
        for name, n in counts.items():
            click.echo(f"{n:>8}  {name}")
        if not counts:
            click.echo("no dead-letter topics", err=True)
        return
    t, name = _resolve(topic, service)
    found, total, redriven = _run(dlq_ops.letters(t, name))
    click.echo(f"{name}: {total} messages")
    for d in found:
        done = any(tp.partition == d.partition and o > d.offset for tp, o in redriven.items())
        click.echo(
            f"{d.partition}:{d.offset}  {d.timestamp:%Y-%m-%dT%H:%M:%SZ}  {d.event_type}  {d.event_id}  "
            f"{d.consumer or '-'}  {'redriven' if done else 'waiting'}  {d.error.splitlines()[0][:120] if d.error else ''}"
        )


async def _dlq_topics(service: str) -> dict[str, int]:
    from pas_ops.services import target

    return await dlq_ops.dlq_topics(target(service))


def _resolve(topic: str, service: str | None) -> tuple[Any, str]:
    try:
        return dlq_ops.resolve(topic, service)
    except OpsError as exc:
        _fail(exc)
        raise


@dlq.command("show", help="The messages of a DLQ in full: headers (the error, the consumer) and the payload.")
@click.argument("topic")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--service", type=click.Choice(sorted(PACKAGES)), help="Whose settings to use (default: the topic's owner).")
def dlq_show(topic: str, limit: int, service: str | None) -> None:
    t, name = _resolve(topic, service)
    found, total, _ = _run(dlq_ops.letters(t, name, limit=limit))
    click.echo(f"{name}: {total} messages, showing {len(found)}")
    for d in found:
        try:
            payload: Any = json.loads(d.value) if d.value is not None else None
        except ValueError:
            payload = (d.value or b"").decode(errors="replace")
        click.echo(
            json.dumps(
                {"partition": d.partition, "offset": d.offset, "timestamp": d.timestamp.isoformat(), "key": d.key,
                 "headers": d.headers, "payload": payload},
                ensure_ascii=False,
                indent=2,
            )
        )  # fmt: skip


@dlq.command("redrive", help="Publish a DLQ's messages again to their original topic (consumers skip what they applied).")
@click.argument("topic")
@click.option("--service", type=click.Choice(sorted(PACKAGES)), help="Whose settings to use (default: the topic's owner).")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path), help="Append one JSON line per message to this file.")
def dlq_redrive(topic: str, service: str | None, record: Path | None) -> None:
    t, name = _resolve(topic, service)
    done = _run(dlq_ops.redrive(t, name, record=record))
    for entry in done.republished:
        where = f"{name}:{entry['dlq_partition']}:{entry['dlq_offset']}"
        click.echo(f"redriven {where} {entry['event_type']} {entry['event_id']} -> {entry['to']}")
    for entry in done.refused:
        click.echo(f"refused  {name}:{entry['dlq_partition']}:{entry['dlq_offset']}: not an event of ours ({entry['why'][:120]})")
    click.echo(f"{len(done.republished)} re-driven, {len(done.refused)} refused (malformed: fix the producer, not the consumer)")


@cli.group(help="The gateway's KPIs.")
def kpi() -> None:
    pass


@kpi.command(
    "rebuild", help="Empty the KPI read models and rewind their consumers (gateway stopped); they replay when it starts."
)
def kpi_rebuild() -> None:
    from pas_ops.kpi import rebuild

    rewound = _run(rebuild())
    for group, partitions in sorted(rewound.items()):
        click.echo(f"{group}: {partitions} partitions rewound to the beginning")
    click.echo("KPI read models emptied; start the gateway to replay every topic into them")


@cli.group(help="Remission batches.")
def batch() -> None:
    pass


@batch.command("export", help="A remission batch's proposals as CSV (read from the remission database).")
@click.argument("batch_id")
@click.option("--csv", "csv_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
def batch_export(batch_id: str, csv_path: Path) -> None:
    from pas_ops.export import export_batch

    done = _run(export_batch(batch_id, csv_path))
    click.echo(f"batch {done.batch_id} ({done.status}): {done.rows} rows, {done.eligible} eligible -> {csv_path}")


def main(argv: list[str] | None = None) -> int:
    # The Kafka client logs each failed connection attempt; the command reports the failure itself.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        cli.main(args=argv, prog_name="pas", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
