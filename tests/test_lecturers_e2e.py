"""Lecturers end to end (issue 17): the real bot process, staff at the command line, a
lecturer on Zalo told of a moved session, learners on Telegram rating a session by button."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import ChatAccount, Enrollment, Session, SessionRating
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo, ZaloFakeUser
from tests.conftest import (
    CENTRE,
    SAMPLE_EVE,
    TZ,
    BotProcess,
    centre_of,
    make_sample_class,
    start_bot,
)
from usecases import attendance, identity
from usecases.identity import Actor
from usecases.settings import Settings

THANH = "Vũ Công Thành"
MENU_LINE = re.compile(r"^Gõ (\d+) để: (.+)$", re.MULTILINE)
FAST = {"SLL_LECTURERS_PLAN_EVERY_SECONDS": "1", "SLL_NOTICES_SAFETY_TICK_SECONDS": "1"}


@pytest.fixture
async def bot(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    process = await start_bot(
        local_telegram,
        db_url,
        tmp_path,
        zalo=local_zalo,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
        **FAST,
    )
    yield process
    assert await process.stop() == 0, process.log()


async def _cli(bot: BotProcess, *args: str) -> subprocess.CompletedProcess[str]:
    """The staff command line, off the event loop: the local servers keep answering."""
    return await asyncio.to_thread(bot.cli, *args)


async def _code(bot: BotProcess, name: str) -> str:
    listing = await _cli(bot, "giang-vien", "loi-moi")
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if name in line)
    return next(cell.strip() for cell in line.split("│") if len(cell.strip()) == 10)


async def _says(user: ZaloFakeUser, text: str, until: str) -> str:
    user.send_text(text)
    return (await user.wait_for(until, timeout=15)).text or ""


async def test_a_lecturer_linked_on_zalo_is_told_at_once_when_her_session_moves(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    await asyncio.to_thread(bot.set_up_class, "SC-K4")
    added = await _cli(
        bot,
        "giang-vien",
        "them",
        "--ten",
        f"ThS. {THANH}",
        "--sdt",
        "0912000002",
        "--don-vi",
        "Ban Tuyên giáo Huyện ủy",
    )
    assert added.returncode == 0, added.stderr
    listing = await _cli(bot, "giang-vien", "ds")
    assert THANH in listing.stdout and "chưa" in listing.stdout

    thanh = local_zalo.user("z-thanh", "Thành")
    linked = await _says(thanh, await _code(bot, THANH), "Tài khoản đã được liên kết")
    assert "lịch giảng" in linked
    menu = {label: number for number, label in MENU_LINE.findall(linked)}
    assert "🎓 Lịch giảng" in menu and "📅 Lịch học" in menu

    schedule = await _says(thanh, menu["🎓 Lịch giảng"], "Lịch giảng của đồng chí")
    assert "Thứ Hai, 04/03/2024, 13h30" in schedule and "45 học viên" in schedule
    assert "Chủ nghĩa Mác" not in schedule  # Đ/c Nguyễn Thị Huệ's session, not his

    announced = await _cli(bot, "tin", "thong-bao", "SC-K4")
    assert announced.returncode == 0, announced.stderr
    told = await thanh.wait_for("đồng chí được phân công giảng 4 buổi", timeout=30)
    assert "Phòng học số 2" in (told.text or "")

    moved = await _cli(bot, "tin", "doi-buoi", "SC-K4", "2", "06/03/2024", "13h30-17h00")
    assert moved.returncode == 0, moved.stderr
    change = await thanh.wait_for("ĐỔI", timeout=30)
    text = change.text or ""
    assert "Thứ Tư, 06/03/2024, 13h30" in text and "Trước: Thứ Hai, 04/03/2024, 13h30" in text
    assert "0731706690" not in text and "+84" not in text  # no learner's phone number
    # Told once, not at every planning run.
    await asyncio.sleep(3)  # the planner runs every second
    assert sum("ĐỔI" in (m.text or "") for m in thanh.messages()) == 1


async def _present_and_closed(db_url: str) -> tuple[int, int, list[int]]:
    """The sample class, its first session run (two learners present, the rest absent) and
    closed; returns (session id, closed_at as a timestamp, learners in roster order)."""
    db = Database(db_url)
    try:
        await db.migrate()
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        sample = await make_sample_class(db, centre_id)
        settings = Settings(timezone=TZ)
        async with db.uow() as uow:
            first = await uow.session.scalar(
                select(Session).where(Session.class_id == sample.id, Session.number == 1)
            )
            learners = list(
                await uow.session.scalars(
                    select(Enrollment.person_id)
                    .where(Enrollment.class_id == sample.id)
                    .order_by(Enrollment.roster_row)
                )
            )
        assert first is not None
        for person_id in learners[:2]:
            await attendance.mark(
                db.uow(),
                actor=Actor.cli(centre_id),
                session_id=first.id,
                person_id=person_id,
                status="present",
                now=first.starts_at + timedelta(minutes=10),
                settings=settings.attendance,
            )
        await attendance.close_due_sessions(
            db.uow(), now=first.ends_at + timedelta(minutes=1), settings=settings
        )
        async with db.uow() as uow:  # learners 1 and 3 use Telegram (1 present, 3 absent)
            for user_id, person_id in ((3001, learners[0]), (3003, learners[2])):
                uow.session.add(
                    ChatAccount(
                        centre_id=await centre_of(uow.session, person_id),
                        channel="telegram",
                        external_id=str(user_id),
                        chat_id=str(user_id),
                        person_id=person_id,
                    )
                )
            await uow.commit()
        return first.id, int(first.ends_at.timestamp()), learners
    finally:
        await db.dispose()


async def test_a_present_learner_rates_the_session_by_button_and_an_absent_one_cannot(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    session_id, _, learners = await _present_and_closed(db_url)
    after = SAMPLE_EVE.replace(day=4, hour=11, minute=30)  # session 1 ended at 11h00
    # Watched before the bot starts: the rating prompt may come as soon as it is up.
    lan = local_telegram.user(3001, "Lan")
    absent = local_telegram.user(3003, "Vắng")
    bot = await start_bot(local_telegram, db_url, tmp_path, SLL_FAKE_NOW=after.isoformat(), **FAST)
    try:
        ask = await lan.wait_for("chấm buổi học này mấy điểm", timeout=30)
        labels = [label for label, _ in ask.buttons()]
        assert labels == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
        lan.press("4 ⭐")
        await lan.wait_for("Bạn đã chấm 4/5", timeout=10)
        lan.send_text("Giảng viên nói hơi nhanh")
        await lan.wait_for("Cảm ơn bạn đã góp ý", timeout=10)
        lan.press("5 ⭐", message=ask)  # changed within the day
        await lan.wait_for("Bạn đã chấm 5/5", timeout=10)

        assert not any("mấy điểm" in (m.text or "") for m in absent.messages())
        absent.send_command("danhgia", str(session_id), "1")
        await absent.wait_for("Chỉ học viên có mặt", timeout=10)
    finally:
        assert await bot.stop() == 0, bot.log()
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(SessionRating.person_id, SessionRating.score, SessionRating.comment)
                )
            ).all()
    finally:
        await db.dispose()
    assert [tuple(r) for r in rows] == [(learners[0], 5, "Giảng viên nói hơi nhanh")]


async def test_a_session_moved_in_chat_reaches_its_lecturer_at_once(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    """Staff move a session with /doibuoi: the lecturer hears of it in seconds, although the
    lecturers' planning job would next run in an hour (`plan_every_seconds` 3600)."""
    bot = await start_bot(
        local_telegram,
        f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        tmp_path,
        zalo=local_zalo,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
        SLL_LECTURERS_PLAN_EVERY_SECONDS="3600",
        SLL_NOTICES_SAFETY_TICK_SECONDS="1",
    )
    try:
        await asyncio.to_thread(bot.set_up_class, "SC-K4")
        added = await _cli(bot, "giang-vien", "them", "--ten", THANH, "--sdt", "0912000002")
        assert added.returncode == 0, added.stderr
        thanh = local_zalo.user("z-thanh", "Thành")
        await _says(thanh, await _code(bot, THANH), "Tài khoản đã được liên kết")
        staff = local_telegram.user(bot.staff_id, "Cán bộ")
        staff.send_command("thongbao", "SC-K4")
        await staff.wait_for("Đã xếp")
        await thanh.wait_for("đồng chí được phân công giảng 4 buổi", timeout=15)

        staff.send_command("doibuoi", "SC-K4", "2", "06/03/2024", "13h30-17h00")
        await staff.wait_for("Đã dời")
        change = await thanh.wait_for("ĐỔI", timeout=15)
        assert "Thứ Tư, 06/03/2024, 13h30" in (change.text or "")
    finally:
        assert await bot.stop() == 0, bot.log()
