"""Free TCP ports on 127.0.0.1 for servers the tests and benchmarks start (stdlib only).

Chosen outside the kernel's ephemeral range (net.ipv4.ip_local_port_range) on purpose. A port
the kernel hands out for `bind(0)` is an ephemeral one, and a server restarted on it (the broker
stopped for 30 s in the fault tests, a service SIGKILLed and started again) can find it taken by
an outgoing connection, or by a client that keeps reconnecting to it and meets itself (TCP
simultaneous open: 127.0.0.1:P connected to 127.0.0.1:P). The server then cannot bind and never
comes back. Outside that range no outgoing connection ever gets the port.

    python3 scripts/free_port.py          one port
    python3 scripts/free_port.py pair     a port whose next port is free too
"""

import random
import socket
import sys

LOWEST = 10_000  # clear of the well-known and registered services most hosts run


def ephemeral_range() -> tuple[int, int]:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
        return low, high
    except (OSError, ValueError):
        return 32_768, 60_999  # Linux's default


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(pair: bool = False) -> int:
    """A port free right now (and, with `pair`, its successor too), outside the ephemeral range."""
    low, high = ephemeral_range()
    candidates = [*range(LOWEST, low - 1), *range(high + 1, 65_535)]  # room for port + 1 either way
    for port in random.sample(candidates, min(500, len(candidates))):
        if _free(port) and (not pair or _free(port + 1)):
            return port
    raise SystemExit(f"no free port outside the ephemeral range {low}-{high}")


if __name__ == "__main__":
    print(free_port(pair=len(sys.argv) > 1 and sys.argv[1] == "pair"))
