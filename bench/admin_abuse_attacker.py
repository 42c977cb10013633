#!/usr/bin/env python3
"""Connections that never authenticate, against the admin listener, for bench/admin_abuse.sh.
127.0.0.1 only (as the server; the attacker's own address is SOURCE, also on loopback), for a
bounded time.

  admin_abuse_attacker.py PORT SECONDS IDLE SLOW [SOURCE]

Holds IDLE silent TCP connections (no ClientHello) and SLOW TLS handshakes (a real ClientHello
sent one byte a second) from SOURCE (default 127.0.0.2); each connection the server closes is
reopened at once, so the pressure stays. Prints one line when done: connections opened, closed
by the server, connects that failed (refused, or no local port left: at thousands of reconnects
a second the source's ports sit in TIME_WAIT), and how many were open at the end.
"""

import asyncio
import resource
import ssl
import sys

HOST = "127.0.0.1"


class Stats:
    opened = closed = open_now = refused = 0


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


async def connect(port, source, stats):
    while True:
        try:
            reader, writer = await asyncio.open_connection(HOST, port, local_addr=(source, 0))
            stats.opened += 1
            stats.open_now += 1
            return reader, writer
        except OSError:  # refused, or out of ports to connect from (TIME_WAIT)
            stats.refused += 1
            await asyncio.sleep(0.05)


async def until_closed(reader):
    try:
        while await reader.read(4096):
            pass
    except OSError:
        pass


async def one(port, source, stats, stop, hello):
    """One connection slot: silent (hello None) or trickling `hello`, reopened when closed."""
    while not stop.is_set():
        reader, writer = await connect(port, source, stats)
        closed = asyncio.ensure_future(until_closed(reader))
        sent = 0
        while not stop.is_set() and not closed.done():
            if hello is not None and sent < len(hello):
                try:
                    writer.write(hello[sent:sent + 1])
                    sent += 1
                except OSError:
                    break
            await asyncio.wait([closed], timeout=1)
        if closed.done():
            stats.closed += 1
        closed.cancel()
        writer.close()
        stats.open_now -= 1


async def main():
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    idle, slow = int(sys.argv[3]), int(sys.argv[4])
    source = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.2"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    stats, stop, hello = Stats(), asyncio.Event(), client_hello()
    tasks = [one(port, source, stats, stop, None) for _ in range(idle)]
    tasks += [one(port, source, stats, stop, hello) for _ in range(slow)]
    running = [asyncio.ensure_future(t) for t in tasks]
    await asyncio.sleep(seconds)
    held = stats.open_now
    stop.set()
    await asyncio.wait(running, timeout=3)
    for t in running:
        t.cancel()
    print(f"ATTACK source={source} idle={idle} slow={slow} opened={stats.opened} "
          f"closed_by_server={stats.closed} connect_errors={stats.refused} open_at_end={held}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
