"""Replies are not dropped (issue 14, item 2), end to end: the real bot process against the
local Telegram, which answers a reply with 429 or fails a button's callback answer."""

from __future__ import annotations

from localapi.telegram import LocalTelegram
from tests.conftest import BotProcess

CLASS = "SC-K4"


async def test_a_reply_that_meets_flood_control_goes_after_the_wait(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    refused = local_telegram.stats.answered_429
    local_telegram.fail_next("sendMessage", kind="429", retry_after=1)
    lan.send_command("lichhoc")
    schedule = await lan.wait_for("Lịch học lớp", timeout=15)
    assert "Buổi 1:" in (schedule.text or "")
    assert local_telegram.stats.answered_429 == refused + 1  # the reply met the 429
    assert len([m for m in lan.messages() if "Lịch học lớp" in (m.text or "")]) == 1


async def test_a_failed_answer_to_a_button_press_does_not_drop_its_replies(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    local_telegram.fail_next("answerCallbackQuery", times=3, kind="5xx")
    lan.press("📅 Lịch học")
    schedule = await lan.wait_for("Lịch học lớp", timeout=15)
    assert "Buổi 1:" in (schedule.text or "")
