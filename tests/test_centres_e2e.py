"""Two centres served by one bot process (issue 21, item 1), configured only through the
environment (`SLL_CENTRES`, `SLL_CENTRES_<KEY>_…`): each centre's bot on its own local
Telegram, classes set up with `sll --trung-tam`, and a person who studies at both centres,
writing to both bots from one Telegram account, is linked at each to that centre's record."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from localapi import harness
from localapi.telegram import LocalTelegram
from tests.conftest import LAN_PHONE, REPO, SAMPLE_EVE, SAMPLES, sqlite_url

LAN = "Lê Thị Ngọc Lan"

BAC_YEN, PHU_YEN = "Trung tâm Chính trị huyện Bắc Yên", "Trung tâm Chính trị huyện Phù Yên"
STAFF_A, STAFF_B = 777001, 777002
LAN_TG = 1001


def centres_env(a: LocalTelegram, b: LocalTelegram, db_url: str) -> dict[str, str]:
    return harness.bot_env(
        a, db_url,
        SLL_TELEGRAM_TOKEN="",  # several centres: each its own token, below
        SLL_CENTRES="bac-yen,phu-yen",
        SLL_CENTRES_BAC_YEN_NAME=BAC_YEN,
        SLL_CENTRES_BAC_YEN_TELEGRAM_TOKEN=a.token,
        SLL_CENTRES_BAC_YEN_TELEGRAM_API_URL=a.url,
        SLL_CENTRES_BAC_YEN_STAFF_IDS=str(STAFF_A),
        SLL_CENTRES_PHU_YEN_NAME=PHU_YEN,
        SLL_CENTRES_PHU_YEN_TELEGRAM_TOKEN=b.token,
        SLL_CENTRES_PHU_YEN_TELEGRAM_API_URL=b.url,
        SLL_CENTRES_PHU_YEN_STAFF_IDS=str(STAFF_B),
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
    )  # fmt: skip


def sll(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def set_up(env: dict[str, str], centre: str, code: str, roster: Path) -> None:
    steps = [
        ["lop", "tao", code, "--ten", f"Lớp {code}", "--loai", "Sơ cấp LLCT"],
        ["lop", "nhap-hoc-vien", code, str(roster)],
        ["lop", "nhap-lich", code, str(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")],
    ]
    for args in steps:
        done = sll(env, "--trung-tam", centre, *args)
        assert done.returncode == 0, done.stderr


async def test_one_process_serves_two_centres_each_through_its_own_bot(tmp_path: Path) -> None:
    a = LocalTelegram(token="111111:BACYEN", bot_username="bac_yen_bot")
    b = LocalTelegram(token="222222:PHUYEN", bot_username="phu_yen_bot")
    await a.start()
    await b.start()
    try:
        env = centres_env(a, b, sqlite_url(tmp_path))
        no_centre = sll(env, "lop", "ds")
        assert no_centre.returncode == 2 and "--trung-tam" in no_centre.stderr
        assert "bac-yen, phu-yen" in no_centre.stderr
        migrate = sll(env, "--trung-tam", "bac-yen", "db", "nang-cap")
        assert migrate.returncode == 0, migrate.stderr
        set_up(env, "bac-yen", "BY-K4", SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
        # Phù Yên's roster is the other sample file, with Lan (the same phone) added.
        other = (SAMPLES / "danh-sach-nhan-thuc-ve-dang-2025.csv").read_text("utf-8-sig")
        roster = tmp_path / "phu-yen.csv"
        roster.write_text(other.rstrip() + f"\n99,{LAN},16/08/1996,Đoàn xã Suối Tọ,{LAN_PHONE}\n")
        set_up(env, "phu-yen", "PY-K1", roster)
        listed = {c: sll(env, "--trung-tam", c, "lop", "ds").stdout for c in ("bac-yen", "phu-yen")}
        assert "BY-K4" in listed["bac-yen"] and "PY-K1" not in listed["bac-yen"]
        assert "PY-K1" in listed["phu-yen"] and "BY-K4" not in listed["phu-yen"]

        run = harness.spawn(env, tmp_path / "bot.log")
        try:
            for server in (a, b):  # both bots poll their own Telegram
                for _ in range(300):
                    if server.stats.requests["getUpdates"] or not run.running():
                        break
                    await asyncio.sleep(0.1)
                assert server.stats.requests["getUpdates"], run.log()
            lan_a, lan_b = a.user(LAN_TG, "Lan"), b.user(LAN_TG, "Lan")  # one Telegram account
            lan_a.share_contact(LAN_PHONE)
            await lan_a.wait_for("đã được liên kết", timeout=10)
            lan_b.share_contact(LAN_PHONE)
            await lan_b.wait_for("đã được liên kết", timeout=10)
            lan_a.send_command("lichhoc")
            lan_b.send_command("lichhoc")
            assert "BY-K4" not in (await lan_b.wait_for("Lớp PY-K1", timeout=10)).text
            assert "PY-K1" not in (await lan_a.wait_for("Lớp BY-K4", timeout=10)).text
            # Staff of each centre, each at their own bot, see that centre's classes only.
            staff_a, staff_b = a.user(STAFF_A, "Cán bộ A"), b.user(STAFF_B, "Cán bộ B")
            staff_a.send_command("lichhoc")
            staff_b.send_command("lichhoc")
            assert "PY-K1" not in (await staff_a.wait_for("Lớp BY-K4", timeout=10)).text
            assert "BY-K4" not in (await staff_b.wait_for("Lớp PY-K1", timeout=10)).text
            # Bắc Yên's staff writing to Phù Yên's bot are nobody there.
            stranger = b.user(STAFF_A, "Cán bộ A")
            stranger.send_command("lichhoc")
            await stranger.wait_for("chưa được liên kết", timeout=10)
        finally:
            code = await run.stop()
        assert code == 0, run.log()
        assert "running (polling) for bac-yen" in run.log()
        assert "running (polling) for phu-yen" in run.log()
    finally:
        await a.stop()
        await b.stop()


def _free_ports(count: int) -> int:
    """A port with the `count - 1` after it free too (centre i listens on base + i)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        try:
            for offset in range(1, count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise AssertionError("no free ports")


async def test_in_webhook_mode_each_centres_bot_has_its_own_hook(tmp_path: Path) -> None:
    """Centre i listens on webhook_port + i; the first at <webhook_url>/<key>, the second at
    its own URL (`SLL_CENTRES_<KEY>_TELEGRAM_WEBHOOK_URL`); each local Telegram posts its
    users' updates to its own centre's hook, with that bot's secret."""
    a = LocalTelegram(token="333333:BACYEN", bot_username="bac_yen_bot")
    b = LocalTelegram(token="444444:PHUYEN", bot_username="phu_yen_bot")
    await a.start()
    await b.start()
    port = _free_ports(2)
    try:
        env = centres_env(a, b, sqlite_url(tmp_path)) | {
            "SLL_TELEGRAM_MODE": "webhook",
            "SLL_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "SLL_TELEGRAM_WEBHOOK_PORT": str(port),
            "SLL_TELEGRAM_WEBHOOK_SECRET": "bi-mat-cua-tinh",
            "SLL_CENTRES_PHU_YEN_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port + 1}/py/hook",
        }
        run = harness.spawn(env, tmp_path / "bot.log")
        try:
            for server in (a, b):
                for _ in range(300):
                    if server.stats.requests["setWebhook"] or not run.running():
                        break
                    await asyncio.sleep(0.1)
                assert server.stats.requests["setWebhook"], run.log()
            for server, name in ((a, BAC_YEN), (b, PHU_YEN)):
                user = server.user(LAN_TG, "Lan")
                user.send_command("start")
                await user.wait_for(name, timeout=10)  # welcomed by its own centre's bot
            assert a.stats.webhook_errors == 0 and b.stats.webhook_errors == 0
        finally:
            code = await run.stop()
        assert code == 0, run.log()
    finally:
        await a.stop()
        await b.stop()
