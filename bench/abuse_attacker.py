#!/usr/bin/env python3
"""Abusive HTTP clients for bench/abuse.sh, on 127.0.0.1 only, for a bounded time.

  abuse_attacker.py MODE PORT SECONDS [CONNECTIONS] [GET_PATH]

Modes (each connection that the server closes is reopened at once, so the pressure stays):
  slowloris  CONNECTIONS connections trickling a request header, one short field per second
  flood      CONNECTIONS connections (more than listen.max_connections) opened and held silent
  idle       CONNECTIONS connections (fewer than the cap) opened and held silent
  huge       CONNECTIONS connections each sending 1 MiB header blocks as fast as they can
  pipeline   CONNECTIONS connections writing pipelined GET GET_PATH requests without reading
  partial    CONNECTIONS connections each sending a request line and one header field, then
             nothing (the header never ends)
  churn      CONNECTIONS clients each opening a connection, asking GET GET_PATH, reading the
             answer and closing, over and over
Prints one line: mode, connections opened, closed by the server, bytes sent, responses seen.
"""

import asyncio
import resource
import sys
import time

HOST = "127.0.0.1"


class Stats:
    opened = closed = sent = responses = 0


async def connect(port, stats):
    while True:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            stats.opened += 1
            return reader, writer
        except OSError:
            await asyncio.sleep(0.05)


async def drain_reads(reader, stats):
    """Counts response status lines; returns when the server closes."""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                return
            stats.responses += data.count(b"HTTP/1.1 ")
    except OSError:
        return


async def slowloris(port, stats, stop):
    while not stop.is_set():
        reader, writer = await connect(port, stats)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
            i = 0
            while not stop.is_set():
                await asyncio.sleep(1)
                writer.write(b"X-%d: y\r\n" % i)
                await writer.drain()
                stats.sent += 10
                i += 1
                if reader.at_eof():
                    break
        except OSError:
            pass
        stats.closed += 1
        writer.close()


async def hold(port, stats, stop, first=b""):
    while not stop.is_set():
        reader, writer = await connect(port, stats)
        if first:
            writer.write(first)
            stats.sent += len(first)
        closed = asyncio.ensure_future(drain_reads(reader, stats))
        waiter = asyncio.ensure_future(stop.wait())
        await asyncio.wait([closed, waiter], return_when=asyncio.FIRST_COMPLETED)
        if closed.done():
            stats.closed += 1
        waiter.cancel()
        closed.cancel()
        writer.close()


async def huge(port, stats, stop):
    block = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"
    while not stop.is_set():
        reader, writer = await connect(port, stats)
        try:
            writer.write(block)
            await writer.drain()
            stats.sent += len(block)
        except OSError:
            pass
        await drain_reads(reader, stats)
        stats.closed += 1
        writer.close()


async def pipeline(port, path, stats, stop):
    one = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    burst = one * 64
    while not stop.is_set():
        reader, writer = await connect(port, stats)
        try:
            # Never read the answers: once the socket buffers are full the server cannot write,
            # stops reading, and must give up on us (write_timeout). Queue at most 1 MiB here.
            while not stop.is_set() and not writer.transport.is_closing():
                if writer.transport.get_write_buffer_size() < (1 << 20):
                    writer.write(burst)
                    stats.sent += len(burst)
                try:
                    await asyncio.wait_for(writer.drain(), 1)
                except asyncio.TimeoutError:
                    continue
        except OSError:
            pass
        stats.closed += 1
        writer.close()


async def churn(port, path, stats, stop):
    one = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    while not stop.is_set():
        reader, writer = await connect(port, stats)
        try:
            writer.write(one)
            stats.sent += len(one)
        except OSError:
            pass
        await drain_reads(reader, stats)
        stats.closed += 1
        writer.close()


async def main():
    mode, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    path = sys.argv[5] if len(sys.argv) > 5 else "/"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    stats, stop = Stats(), asyncio.Event()
    if mode == "slowloris":
        tasks = [slowloris(port, stats, stop) for _ in range(n)]
    elif mode in ("flood", "idle"):
        tasks = [hold(port, stats, stop) for _ in range(n)]
    elif mode == "partial":
        first = b"GET / HTTP/1.1\r\nHost: x\r\n"
        tasks = [hold(port, stats, stop, first) for _ in range(n)]
    elif mode == "churn":
        tasks = [churn(port, path, stats, stop) for _ in range(n)]
    elif mode == "huge":
        tasks = [huge(port, stats, stop) for _ in range(n)]
    elif mode == "pipeline":
        tasks = [pipeline(port, path, stats, stop) for _ in range(n)]
    else:
        sys.exit(f"unknown mode {mode}")
    running = [asyncio.ensure_future(t) for t in tasks]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.wait(running, timeout=3)
    for t in running:
        t.cancel()
    print(f"ATTACK {mode} opened={stats.opened} closed_by_server={stats.closed} "
          f"bytes_sent={stats.sent} responses={stats.responses}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
