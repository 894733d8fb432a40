#!/usr/bin/env bash
# Print a TCP port on 127.0.0.1 that is free right now; `free-port.sh pair` prints one whose
# next port is free too (Kafka's controller listens on the broker's port + 1).
# Ports are chosen at run time (never fixed) because test runs may execute concurrently.
# The kernel picks an unused ephemeral port when binding to port 0; we release it and print it.
set -euo pipefail

exec python3 - "${1:-one}" <<'PY'
import socket
import sys


def bound(port: int) -> socket.socket | None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        return None
    return s


for _ in range(100):
    first = bound(0)
    assert first is not None
    port = first.getsockname()[1]
    second = bound(port + 1) if sys.argv[1] == "pair" and port < 65535 else None
    first.close()
    if sys.argv[1] != "pair" or second is not None:
        if second is not None:
            second.close()
        print(port)
        sys.exit(0)
sys.exit("no free pair of ports found")
PY
