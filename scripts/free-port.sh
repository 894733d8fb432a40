#!/usr/bin/env bash
# Print a TCP port on 127.0.0.1 that is free right now.
# Ports are chosen at run time (never fixed) because test runs may execute concurrently.
# The kernel picks an unused ephemeral port when binding to port 0; we release it and print it.
set -euo pipefail

exec python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
