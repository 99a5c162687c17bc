"""Health you can see: /healthz and /metrics read from the running bot, and one staff alert
each time the outbox stops moving."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from datetime import timedelta
from pathlib import Path

import aiohttp

from db.database import Database
from db.models import Notification, NotificationStatus, Person
from localapi.telegram import LocalTelegram
from tests.conftest import SAMPLE_EVE, start_bot
from usecases import health


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get_when_listening(http: aiohttp.ClientSession, url: str) -> aiohttp.ClientResponse:
    """The health listener opens just after the bot starts polling."""
    for _ in range(100):
        try:
            answer = await http.get(url)
            await answer.read()
            return answer
        except aiohttp.ClientConnectorError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on {url}")


def metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} not in /metrics:\n{text}"
    return float(match.group(1))


async def test_healthz_and_metrics_from_the_running_bot(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    port = free_port()
    bot = await start_bot(
        local_telegram,
        f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        tmp_path,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
        SLL_HEALTH_PORT=str(port),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            answer = await get_when_listening(http, f"{base}/healthz")
            assert answer.status == 200
            report = json.loads(await answer.text())
            assert report == {"database": "ok", "scheduler": "ok", "telegram": "ok"}

            async with http.get(f"{base}/metrics") as answer:
                before = await answer.text()
            stranger = local_telegram.user(5005, "Khách")
            stranger.send_command("help")
            await stranger.wait_for("Chia sẻ số điện thoại")
            async with http.get(f"{base}/metrics") as answer:
                assert answer.headers["Content-Type"].startswith("text/plain")
                after = await answer.text()
    finally:
        assert await bot.stop() == 0, bot.log()

    handled = 'sll_update_seconds_count{channel="telegram"}'
    assert handled not in before
    assert metric(after, "sll_update_seconds_count", '{channel="telegram"}') == 1
    assert metric(after, "sll_outbox_notifications", '{status="pending"}') == 0
    assert metric(after, "sll_outbox_oldest_due_seconds") == 0


async def test_staff_are_alerted_once_each_time_the_outbox_stalls(
    database: Database, centre_id: int
) -> None:
    now = SAMPLE_EVE
    async with database.uow() as uow:
        person = Person(centre_id=centre_id, full_name="Học viên", name_key="hoc vien")
        uow.session.add(person)
        await uow.session.flush()
        stuck = Notification(
            idempotency_key="stuck",
            person_id=person.id,
            kind="broadcast",
            text="…",
            due_at=now - timedelta(minutes=20),
        )
        later = Notification(
            idempotency_key="later",
            person_id=person.id,
            kind="broadcast",
            text="…",
            due_at=now + timedelta(hours=1),
        )
        uow.session.add_all([stuck, later])
        await uow.commit()
        stuck_id = stuck.id

    watch = health.StaleWatch(limit_seconds=15 * 60)
    outbox = await health.outbox_health(database.uow(), now)
    assert outbox.by_status[NotificationStatus.PENDING] == 2
    assert outbox.oldest_due_seconds == 20 * 60  # the one due later is not waiting yet
    assert watch.crossed(outbox)  # told once …
    assert not watch.crossed(await health.outbox_health(database.uow(), now))  # … not twice

    async with database.uow() as uow:
        row = await uow.session.get(Notification, stuck_id)
        assert row is not None
        row.status = NotificationStatus.SENT
        await uow.commit()
    assert not watch.crossed(await health.outbox_health(database.uow(), now))  # moving again
    later_on = now + timedelta(hours=1, minutes=16)  # the other one is now stuck too
    assert watch.crossed(await health.outbox_health(database.uow(), later_on))  # told again


async def test_json_logs_are_one_object_per_line(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    bot = await start_bot(
        local_telegram,
        f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        tmp_path,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
        SLL_LOG_FORMAT="json",
    )
    try:
        stranger = local_telegram.user(5006, "Khách")
        stranger.send_text("xin chào")
        await stranger.wait_for("Chia sẻ số điện thoại")
    finally:
        assert await bot.stop() == 0, bot.log()
    lines = [line for line in bot.log().splitlines() if line.strip()]
    events = [json.loads(line) for line in lines]  # each line parses on its own
    assert {"bot.app"} <= {e["logger"] for e in events}
    assert all({"time", "level", "logger", "message"} <= e.keys() for e in events)
