"""A real reverse proxy (HAProxy from Debian) in front of several bot processes, for benchmarks.

`haproxy` round-robins plain HTTP from one front port to the bots' webhook ports. It runs in
the foreground (``-db``) with its own config file in the caller's folder, and is stopped with
SIGTERM; when the binary is missing it is installed with ``apt-get`` (as root).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["config_text", "ensure_haproxy", "free_port", "haproxy"]

READY_POLLS = 100  # times 0.05 s


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_haproxy() -> str:
    """The haproxy binary, installed from Debian when missing."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "haproxy"], check=True, capture_output=True)
    found = shutil.which("haproxy", path="/usr/sbin:/usr/bin")
    if not found:
        raise SystemExit("haproxy is missing and could not be installed (run as root)")
    return found


def config_text(front: int, backends: list[int]) -> str:
    """Round-robin HTTP from 127.0.0.1:`front` to each 127.0.0.1 backend port."""
    servers = "\n".join(f"    server bot{i} 127.0.0.1:{port}" for i, port in enumerate(backends))
    return f"""global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend webhook
    bind 127.0.0.1:{front}
    default_backend bots
backend bots
    balance roundrobin
{servers}
"""


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


def _spawn(argv: list[str], log: BinaryIO) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdout=log, stderr=log)


@asynccontextmanager
async def haproxy(folder: Path, backends: list[int]) -> AsyncIterator[tuple[int, int]]:
    """HAProxy for the block: (its front port, its pid); stopped after."""
    binary = ensure_haproxy()
    front = free_port()
    config = folder / "haproxy.cfg"
    config.write_text(config_text(front, backends), encoding="utf-8")
    log = (folder / "haproxy.log").open("ab")
    process = _spawn([binary, "-db", "-f", str(config)], log)
    try:
        for _ in range(READY_POLLS):
            if process.poll() is not None:
                raise SystemExit(f"haproxy exited: {(folder / 'haproxy.log').read_text()}")
            if await _listening(front):
                break
            await asyncio.sleep(0.05)
        yield front, process.pid
    finally:
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
