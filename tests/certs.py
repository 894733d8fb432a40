"""Test certificates made with openssl at test time (never committed): a CA, and certificates it
signs. Used by the Kafka security tests, the unit ones (shared/tests) and the real broker's."""

import subprocess
from pathlib import Path


def openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(d: Path, cn: str) -> None:
    """ca.key and the self-signed ca.crt (valid 2 days) in `d`."""
    openssl(
        d,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        f"/CN={cn}",
    )


def make_signed(d: Path, name: str, cn: str, *extra: str) -> None:
    """<name>.key and <name>.crt signed by the CA in `d` (`extra`: more `openssl x509` options)."""
    openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}")
    openssl(
        d, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", f"{name}.crt", "-days", "2", *extra,
    )  # fmt: skip
