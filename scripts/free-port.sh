#!/usr/bin/env bash
# Print a TCP port on 127.0.0.1 that is free right now; `free-port.sh pair` prints one whose
# next port is free too (Kafka's controller listens on the broker's port + 1).
# Ports are chosen at run time (never fixed) because test runs may execute concurrently, and
# outside the kernel's ephemeral range (why: scripts/free_port.py).
set -euo pipefail
exec python3 "$(dirname "$0")/free_port.py" "${1:-one}"
