"""Zalo Bot API client against the local Zalo server, plus parsing, splitting and errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiohttp import web

from channels.zalo import (
    TEXT_LIMIT,
    WEBHOOK_SECRET_HEADER,
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloInvalidToken,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloUpdate,
    classify_error,
    parse_webhook_update,
    split_text,
    text_length,
    verify_webhook_secret,
)
from localapi.zalo import LocalZalo

USER_ID = "e4ea2cd5189df1c3a88c"  # the shape of a real Zalo user id (20 hex chars)


class FakeClock:
    """A monotonic clock the test moves by hand, for rate limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def server() -> AsyncIterator[LocalZalo]:
    local = LocalZalo(timeout_delay=3.0)
    await local.start()
    yield local
    await local.stop()


@pytest.fixture
async def client(server: LocalZalo) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(server.token, server.url, timeout=2.0) as zalo:
        yield zalo


# -- receiving -------------------------------------------------------------------------


async def test_get_me_checks_the_token(client: ZaloClient, server: LocalZalo) -> None:
    me = await client.get_me()
    assert me.id == server.bot_id
    assert me.account_name


async def test_user_text_arrives_as_update(client: ZaloClient, server: LocalZalo) -> None:
    user = server.user(USER_ID, "Nguyễn Văn An")
    user.send_text("/start ABC123")

    updates = await client.get_updates(timeout=1)

    assert len(updates) == 1
    update = updates[0]
    assert isinstance(update, ZaloUpdate)
    assert update.event_name == "message.text.received"
    assert update.text == "/start ABC123"
    assert update.user_id == USER_ID and update.chat_id == USER_ID
    assert isinstance(update.message_id, str) and update.message_id
    assert update.display_name == "Nguyễn Văn An"
    assert update.chat_type == "PRIVATE" and update.is_private and not update.is_bot
    assert update.date.tzinfo is UTC
    assert abs((datetime.now(UTC) - update.date).total_seconds()) < 5


async def test_single_update_shape_is_accepted() -> None:
    async with (
        LocalZalo(single_update_per_poll=True) as server,
        ZaloClient(server.token, server.url) as client,
    ):
        user = server.user(USER_ID)
        user.send_text("một")
        user.send_text("hai")
        first = await client.get_updates(timeout=1)
        second = await client.get_updates(timeout=1)
    assert [u.text for u in first] == ["một"]
    assert [u.text for u in second] == ["hai"]


async def test_list_shape_delivers_all_queued_updates(
    client: ZaloClient, server: LocalZalo
) -> None:
    for index in range(3):
        server.user(f"user{index}").send_text(f"tin {index}")
    updates = await client.get_updates(timeout=1)
    assert [u.text for u in updates] == ["tin 0", "tin 1", "tin 2"]


@pytest.mark.parametrize("empty_poll_as_408", [True, False])
async def test_empty_long_poll_returns_no_updates(empty_poll_as_408: bool) -> None:
    async with (
        LocalZalo(empty_poll_as_408=empty_poll_as_408) as server,
        ZaloClient(server.token, server.url) as client,
    ):
        assert await client.get_updates(timeout=0) == []


async def test_long_poll_answers_as_soon_as_a_message_arrives(
    client: ZaloClient, server: LocalZalo
) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    inbound = server.user(USER_ID).send_text("có mặt")
    updates = await asyncio.wait_for(poll, 1.0)
    assert [u.text for u in updates] == ["có mặt"]
    assert inbound.available_at is not None


# -- sending ---------------------------------------------------------------------------


async def test_send_message_reaches_the_user(client: ZaloClient, server: LocalZalo) -> None:
    user = server.user(USER_ID)
    user.send_text("/lichhoc")

    sent = await client.send_message(USER_ID, "Lịch học: Thứ Hai 07:30")

    assert isinstance(sent.message_id, str) and sent.message_id
    assert sent.date.tzinfo is UTC
    reply = await user.wait_for("Lịch học")
    assert reply.message_id == sent.message_id
    assert [m.text for m in user.messages()] == ["Lịch học: Thứ Hai 07:30"]
    assert user.last() == reply


async def test_photo_sticker_and_typing(client: ZaloClient, server: LocalZalo) -> None:
    user = server.user(USER_ID)
    await client.send_chat_action(USER_ID)
    await client.send_photo(USER_ID, "https://example.org/lich.png", caption="Lịch tuần")
    await client.send_sticker(USER_ID, "d063f44dc80821567819")
    photo, sticker = user.messages()
    assert (photo.photo_url, photo.caption) == ("https://example.org/lich.png", "Lịch tuần")
    assert sticker.sticker == "d063f44dc80821567819"
    assert server.stats.chat_actions == 1


async def test_text_over_2000_characters_is_refused(client: ZaloClient, server: LocalZalo) -> None:
    server.user(USER_ID)
    with pytest.raises(ZaloBadRequest) as info:
        await client.send_message(USER_ID, "a" * (TEXT_LIMIT + 1))
    assert info.value.error_code == 400
    assert not isinstance(info.value, ZaloForbidden)
    await client.send_message(USER_ID, "a" * TEXT_LIMIT)


async def test_long_notice_is_sent_as_ordered_parts(client: ZaloClient, server: LocalZalo) -> None:
    user = server.user(USER_ID)
    lines = [f"{i:03d}. Buổi học chuyên đề về công tác xây dựng Đảng ở cơ sở" for i in range(120)]
    notice = "\n".join(lines)
    assert len(notice) > 3 * TEXT_LIMIT

    parts = split_text(notice)
    for part in parts:
        await client.send_message(USER_ID, part)

    assert len(parts) >= 4
    assert all(0 < len(part) <= TEXT_LIMIT for part in parts)
    assert all(part.split("\n")[0] in lines for part in parts)  # cuts fall between lines
    assert "\n".join(m.text or "" for m in user.messages()) == notice


# -- split_text ------------------------------------------------------------------------


def test_split_text_keeps_short_text_whole() -> None:
    assert split_text("Xin chào") == ["Xin chào"]
    assert split_text("") == []
    assert split_text(" \n \n") == []


def test_split_text_prefers_line_breaks() -> None:
    assert split_text("dòng một\ndòng hai\ndòng ba", limit=18) == ["dòng một\ndòng hai", "dòng ba"]


def test_split_text_cuts_a_long_line_at_spaces_then_hard() -> None:
    assert split_text("aaaa bbbb cccc", limit=9) == ["aaaa bbbb", "cccc"]
    assert split_text("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]
    parts = split_text("đầu\n" + "từ " * 50 + "\ncuối", limit=40)
    assert all(0 < text_length(p) <= 40 for p in parts)
    assert parts[0].startswith("đầu") and parts[-1].endswith("cuối")


def test_split_text_counts_emoji_as_two_units() -> None:
    parts = split_text("👍" * 3, limit=4)
    assert parts == ["👍👍", "👍"]


# -- errors ----------------------------------------------------------------------------


async def test_blocked_user_is_forbidden(client: ZaloClient, server: LocalZalo) -> None:
    server.user(USER_ID)
    server.block(USER_ID)
    with pytest.raises(ZaloForbidden):
        await client.send_message(USER_ID, "Nhắc lịch học")
    server.unblock(USER_ID)
    await client.send_message(USER_ID, "Nhắc lịch học")


async def test_unknown_chat_is_forbidden(client: ZaloClient) -> None:
    with pytest.raises(ZaloForbidden):
        await client.send_message("no-such-chat", "Xin chào")


async def test_injected_5xx_is_a_network_error(client: ZaloClient, server: LocalZalo) -> None:
    user = server.user(USER_ID)
    server.fail_next("sendMessage", kind="5xx")
    with pytest.raises(ZaloNetworkError) as info:
        await client.send_message(USER_ID, "một")
    assert info.value.error_code == 500
    await client.send_message(USER_ID, "một")
    assert [m.text for m in user.messages()] == ["một"]


async def test_injected_timeout_is_a_network_error(server: LocalZalo) -> None:
    server.user(USER_ID)
    server.fail_next("sendMessage", kind="timeout")
    async with ZaloClient(server.token, server.url, timeout=0.3) as client:
        with pytest.raises(ZaloNetworkError):
            await client.send_message(USER_ID, "một")
    assert server.sent() == []


async def test_injected_429_is_retry_after(client: ZaloClient, server: LocalZalo) -> None:
    server.user(USER_ID)
    server.fail_next("sendMessage", kind="429")
    with pytest.raises(ZaloRetryAfter) as info:
        await client.send_message(USER_ID, "một")
    assert info.value.retry_after == 1


async def test_injected_403_is_forbidden(client: ZaloClient, server: LocalZalo) -> None:
    server.user(USER_ID)
    server.fail_next("sendPhoto", kind="403")
    with pytest.raises(ZaloForbidden):
        await client.send_photo(USER_ID, "https://example.org/a.png")


async def test_rate_limits_when_enforced() -> None:
    clock = FakeClock()
    async with (
        LocalZalo(enforce_limits=True, per_chat_per_second=1.0, clock=clock) as server,
        ZaloClient(server.token, server.url) as client,
    ):
        server.user("a")
        server.user("b")
        await client.send_message("a", "1")
        await client.send_message("b", "1")  # another chat is not held back
        with pytest.raises(ZaloRetryAfter) as info:
            await client.send_message("a", "2")
        assert info.value.retry_after >= 1
        clock.now += 1.0
        await client.send_message("a", "2")
    assert server.stats.rate_limited == 1


async def test_random_failures_are_reproducible() -> None:
    outcomes: list[list[str]] = []
    for _ in range(2):
        async with LocalZalo() as server:
            server.set_random_failures(p_5xx=0.3, p_429=0.3, seed=7)
            server.user(USER_ID)
            async with ZaloClient(server.token, server.url) as client:
                seen = []
                for index in range(12):
                    try:
                        await client.send_message(USER_ID, str(index))
                        seen.append("ok")
                    except ZaloError as exc:
                        seen.append(type(exc).__name__)
            outcomes.append(seen)
    assert outcomes[0] == outcomes[1]
    assert {"ok", "ZaloNetworkError", "ZaloRetryAfter"} <= set(outcomes[0])


async def test_wrong_token_and_unknown_method(server: LocalZalo) -> None:
    async with ZaloClient("wrong-token", server.url) as client:
        with pytest.raises(ZaloInvalidToken):
            await client.get_me()
    async with httpx.AsyncClient(base_url=server.url) as raw:
        response = await raw.post(f"/bot{server.token}/editMessageText", json={})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_connection_refused_is_a_network_error() -> None:
    async with ZaloClient("t", "http://127.0.0.1:1", timeout=1.0) as client:
        with pytest.raises(ZaloNetworkError):
            await client.get_me()


def _mock_client(status: int, body: Any, headers: dict[str, str] | None = None) -> ZaloClient:
    def reply(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return ZaloClient("123:secret", "https://zalo.test", transport=httpx.MockTransport(reply))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"ok": False, "error_code": 403, "description": "Forbidden"}, ZaloForbidden),
        (400, {"ok": False, "error_code": 400, "description": "user not follow"}, ZaloForbidden),
        (502, "<html>Bad Gateway</html>", ZaloNetworkError),
        (200, {"ok": False, "error_code": 503, "description": "busy"}, ZaloNetworkError),
        (400, {"ok": False, "error_code": 400, "description": "text is empty"}, ZaloBadRequest),
        (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, ZaloInvalidToken),
    ],
)
async def test_error_mapping_from_real_shapes(
    status: int, body: Any, expected: type[ZaloError]
) -> None:
    async with _mock_client(status, body) as client:
        with pytest.raises(expected):
            await client.send_message("c", "x")


async def test_retry_after_is_read_from_the_header_too() -> None:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    async with _mock_client(429, body, {"Retry-After": "7"}) as client:
        with pytest.raises(ZaloRetryAfter) as info:
            await client.send_message("c", "x")
    assert info.value.retry_after == 7
    assert classify_error(429, {}).retry_after > 0  # type: ignore[attr-defined]


async def test_token_never_appears_in_errors() -> None:
    body = {"ok": False, "error_code": 400, "description": "bad url /bot123:secret/sendMessage"}
    async with _mock_client(400, body) as client:
        with pytest.raises(ZaloBadRequest) as info:
            await client.send_message("c", "x")
    assert "123:secret" not in str(info.value)


# -- webhook ---------------------------------------------------------------------------


async def test_webhook_delivers_with_secret_header(client: ZaloClient, server: LocalZalo) -> None:
    secret = "bi-mat-cua-trung-tam"
    received: asyncio.Queue[tuple[dict[str, str], bytes]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        await received.put((dict(request.headers), await request.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/zalo/webhook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        await client.set_webhook(f"http://{host}:{port}/zalo/webhook", secret)
        assert (await client.get_webhook_info())["url"].endswith("/zalo/webhook")
        with pytest.raises(ZaloBadRequest) as conflict:
            await client.get_updates(timeout=0)
        assert conflict.value.error_code == 409

        server.user(USER_ID, "Trần Thị Bình").send_text("/hoi Giờ học?")
        headers, body = await asyncio.wait_for(received.get(), 2.0)
    finally:
        await runner.cleanup()

    assert verify_webhook_secret(headers, secret)
    assert not verify_webhook_secret(headers, "mot-bi-mat-khac")
    assert not verify_webhook_secret({}, secret)
    assert headers[WEBHOOK_SECRET_HEADER] == secret
    (update,) = parse_webhook_update(body)
    assert (update.text, update.user_id, update.display_name) == (
        "/hoi Giờ học?",
        USER_ID,
        "Trần Thị Bình",
    )

    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""


def test_parse_webhook_update_accepts_both_envelopes() -> None:
    bare = {
        "event_name": "message.text.received",
        "message": {
            "message_id": 17,
            "date": 1749632637,  # seconds, not milliseconds
            "text": "xin chào",
            "from": {"id": 123, "first_name": "An"},
            "chat": {"id": 123, "chat_type": "PRIVATE"},
        },
    }
    wrapped = json.dumps({"ok": True, "result": bare}).encode()
    for body in (bare, wrapped, [bare]):
        (update,) = parse_webhook_update(body)
        assert (update.message_id, update.user_id, update.chat_id) == ("17", "123", "123")
        assert update.display_name == "An"
        assert update.date == datetime.fromtimestamp(1749632637, tz=UTC)
    assert parse_webhook_update({"event_name": "user.follow"}) == []
    with pytest.raises(ValueError):
        parse_webhook_update(b"not json")


async def test_wait_for_only_sees_replies_after_the_latest_action(
    client: ZaloClient, server: LocalZalo
) -> None:
    user = server.user(USER_ID)
    await client.send_message(USER_ID, "thông báo cũ")
    inbound = user.send_text("/ketqua")
    with pytest.raises(TimeoutError):
        await user.wait_for("thông báo cũ", timeout=0.1)

    waiter = asyncio.create_task(user.wait_for(lambda m: (m.text or "").startswith("Điểm")))
    await asyncio.sleep(0.02)
    await client.send_message(USER_ID, "Điểm: 8,5")
    reply = await asyncio.wait_for(waiter, 1.0)
    assert reply.sent_at >= inbound.created_at
    assert server.stats.messages_sent == 2


async def test_several_servers_keep_separate_state() -> None:
    async with LocalZalo() as first, LocalZalo(token="other") as second:
        first.user(USER_ID).send_text("một")
        async with ZaloClient(second.token, second.url) as client:
            assert await client.get_updates(timeout=0) == []
        assert first.url != second.url
