"""The scale-out bench's own pieces: what it says saturates, the CPU it reads from /proc, and the
proxy it puts in front of the bots sharing requests between them."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bench import proxy
from bench.scaleout import CpuMeter, saturation

IDLE = {"bots": 0.3, "postgres": 0.1, "load_generator": 0.1, "proxy": 0.0, "per_bot": 0.3}


def test_a_full_machine_is_named_with_its_biggest_user() -> None:
    cores = IDLE | {"bots": 1.2, "per_bot": 0.6, "machine": 1.95, "others": 0.5}
    verdict = saturation(cores, ncpu=2)
    assert verdict.startswith("the machine") and "bots (1.20 cores" in verdict
    assert "other programs 0.50" in verdict


def test_a_bot_on_a_whole_core_is_the_limit_when_the_machine_has_room() -> None:
    cores = IDLE | {"bots": 0.95, "per_bot": 0.95, "machine": 1.2}
    assert saturation(cores, ncpu=4).startswith("bot CPU")


def test_the_database_is_named_when_it_is_the_busy_one() -> None:
    cores = IDLE | {"postgres": 0.9, "machine": 1.5}
    assert saturation(cores, ncpu=4).startswith("postgres")


def test_nothing_full_says_the_time_goes_in_waits() -> None:
    assert saturation(IDLE | {"machine": 0.6}, ncpu=2).startswith("no CPU")


def test_the_meter_sees_this_process_burn_cpu() -> None:
    meter = CpuMeter([], proxy_pid=0, database="no_such_database")
    began = time.monotonic()
    meter.start()
    until = time.process_time() + 0.3
    while time.process_time() < until:
        pass
    cores = meter.stop()
    wall = time.monotonic() - began  # on a busy machine, more than 0.3 s
    assert cores["load_generator"] * wall >= 0.25  # CPU-seconds, as the kernel counted them
    assert cores["machine"] >= cores["load_generator"] - 0.05
    assert cores["postgres"] == 0.0 and cores["bots"] == 0.0


def test_the_proxy_config_names_every_backend() -> None:
    text = proxy.config_text(9000, [9001, 9002])
    assert "bind 127.0.0.1:9000" in text and "balance roundrobin" in text
    assert "server bot0 127.0.0.1:9001" in text and "server bot1 127.0.0.1:9002" in text


async def _backend(name: str, seen: list[str]) -> tuple[web.AppRunner, int]:
    async def hook(request: web.Request) -> web.Response:
        seen.append(f"{name}:{request.headers.get('X-Telegram-Bot-Api-Secret-Token')}")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/telegram", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = proxy.free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


@pytest.mark.skipif(
    not (shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")),
    reason="haproxy is not installed",
)
async def test_haproxy_shares_the_posts_between_the_bots(tmp_path: Path) -> None:
    seen: list[str] = []
    first, second = await _backend("a", seen), await _backend("b", seen)
    try:
        async with (
            proxy.haproxy(tmp_path, [first[1], second[1]]) as (front, _),
            aiohttp.ClientSession() as session,
        ):
            for _ in range(4):
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                url = f"http://127.0.0.1:{front}/telegram"
                async with session.post(url, json={}, headers=headers) as response:
                    assert response.status == 200
    finally:
        await first[0].cleanup()
        await second[0].cleanup()
    assert sorted(seen) == ["a:s3cret", "a:s3cret", "b:s3cret", "b:s3cret"]
