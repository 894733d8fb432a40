"""Running the `pas` tool as an operator does: a separate process, configured only by the
services' environment variables (those of this test's databases and Kafka namespace)."""

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass

from tests.integration.harness import Platform

# What the tool must not inherit from the developer's shell (it would point at another stack).
_OWN = ("PAS_SECURITY_", "PAS_REHABILITATION_", "PAS_REMISSION_", "PAS_FOOD_AUDIT_", "PAS_GATEWAY_")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def environment(platform: Platform, *services: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN)}
    for service in services:
        env |= platform.env(service)
    return env | extra


async def pas(env: dict[str, str], *args: str, timeout: float = 180) -> Ran:
    """`pas <args>` in its own process (off the event loop: the apps under test keep running)."""

    def run() -> Ran:
        done = subprocess.run(
            [sys.executable, "-m", "pas_ops.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return await asyncio.to_thread(run)
