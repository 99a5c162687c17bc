"""Text is true when it is sent (issue 14, item 6), end to end: the real bot process is down
over a reminder's due time and comes back ten minutes before class."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from localapi.telegram import LocalTelegram
from tests.conftest import FIRST_SESSION, SAMPLE_EVE, TZ, running_bot

CLASS = "SC-K4"
MINUTES = re.compile(r"Còn (\d+) phút nữa")
FIRST, SECOND = "Buổi 1:", "Buổi 2:"


async def test_a_reminder_sent_late_after_a_restart_counts_the_minutes_left_then(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    async with running_bot(local_telegram, tmp_path, now=SAMPLE_EVE) as bot:
        lan = await bot.class_with_lan(CLASS)
        announced = bot.cli("tin", "thong-bao", CLASS)  # plans the reminders
        assert announced.returncode == 0, announced.stderr
        await lan.wait_for("THÔNG BÁO TRIỆU TẬP", timeout=30)

    # Down all night: back at 7h20, past both reminders' due times (19h00 and 6h30).
    back = (FIRST_SESSION - timedelta(minutes=10)).astimezone(TZ)
    async with running_bot(local_telegram, tmp_path, now=back):  # the same database file
        reminder = await lan.wait_for(lambda m: _reminder_of(m.text, FIRST), 30)
        # The afternoon session's evening reminder, late too, says "today" (not "tomorrow").
        later = await lan.wait_for(lambda m: _reminder_of(m.text, SECOND), 30)
    text = reminder.text or ""
    found = MINUTES.search(text)
    assert found is not None, text
    assert 1 <= int(found.group(1)) <= 10  # true when sent, not the planned 60
    assert "ngày mai" not in text and "ngày mai" not in (later.text or "")
    assert "hôm nay" in (later.text or "")
    firsts = [m for m in lan.messages() if "⏰" in (m.text or "") and FIRST in (m.text or "")]
    assert len(firsts) == 1, [m.text for m in firsts]  # last night's is superseded


def _reminder_of(text: str | None, session: str) -> bool:
    return "⏰" in (text or "") and session in (text or "")
