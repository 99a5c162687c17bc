"""The local Telegram server, driven by the real python-telegram-bot 22 over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import socket
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localapi.telegram import LocalTelegram


@pytest.fixture
async def tg() -> AsyncIterator[LocalTelegram]:
    server = LocalTelegram(timeout_hold=1.0)
    await server.start()
    yield server
    await server.stop()


def make_bot(server: LocalTelegram, token: str | None = None) -> Bot:
    return Bot(
        token or server.token,
        base_url=f"{server.url}/bot",
        base_file_url=f"{server.url}/file/bot",
    )


@pytest.fixture
async def bot(tg: LocalTelegram) -> AsyncIterator[Bot]:
    async with make_bot(tg) as b:
        yield b


def make_app(server: LocalTelegram) -> Application:
    return (
        ApplicationBuilder()
        .token(server.token)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )


class Polling:
    """Runs an Application with polling for the duration of a block."""

    def __init__(self, app: Application) -> None:
        self.app = app

    async def __aenter__(self) -> Application:
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=2))
        return self.app

    async def __aexit__(self, *exc: object) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


async def test_get_me_and_errors(tg: LocalTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "so_lien_lac_bot", True)

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hello")
    tg.user(1001, "Lan")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1001, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1001, "a" * 4097)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "hi", reply_markup=too_long)
    with pytest.raises(BadRequest, match=r'(?i)Unsupported start tag "br"'):
        await bot.send_message(1001, "a<br>b", parse_mode="HTML")

    wrong = make_bot(tg, token="123456:WRONG")
    with pytest.raises(InvalidToken, match="rejected by the server"):
        await wrong.initialize()  # getMe answers 401 Unauthorized
    await wrong.shutdown()

    async with httpx.AsyncClient() as client:
        res = await client.post(f"{tg.url}/bot{tg.token}/sendCarrierPigeon")
        assert res.status_code == 404
        assert res.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        # JSON bodies and case-insensitive method names work too.
        res = await client.post(
            f"{tg.url}/bot{tg.token}/sendmessage", json={"chat_id": 1001, "text": "json"}
        )
        assert res.json()["result"]["text"] == "json"
    assert tg.stats.errors[400] == 5
    assert tg.sent(1001)[0].text == "json"


async def test_send_message_is_recorded_with_markup(tg: LocalTelegram, bot: Bot) -> None:
    lan = tg.user(1001, "Lan", phone="+84912345678")
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Gửi số điện thoại", request_contact=True)]])
    sent = await bot.send_message(
        1001, "<b>Chào</b> Lan &amp; các bạn", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Chào Lan & các bạn"
    assert sent.entities[0].type == "bold" and sent.text_html.startswith("<b>Chào</b>")
    [msg] = lan.messages()
    assert msg.text == "Chào Lan & các bạn"
    assert msg.raw_text == "<b>Chào</b> Lan &amp; các bạn"
    assert msg.keyboard_requests_contact
    assert msg.reply_buttons() == ["Gửi số điện thoại"]
    assert lan.last() is msg and tg.sent() == [msg]


async def test_command_through_application_polling(tg: LocalTelegram) -> None:
    lan = tg.user(1001, "Lan")
    app = make_app(tg)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Chào! mã mời: {' '.join(context.args or [])}")

    app.add_handler(CommandHandler("start", start))
    async with Polling(app):
        update_id = lan.send_start("abc123")
        reply = await lan.wait_for("mã mời: abc123")
    assert reply.in_reply_to == update_id
    [record] = tg.updates
    assert record.update_id == update_id and record.delivered_at is not None
    assert record.latency is not None and 0 <= record.latency < 5


async def test_contact_share_own_and_someone_elses(tg: LocalTelegram) -> None:
    lan = tg.user(1001, "Lan", phone="84912345678")
    seen: list[tuple[str, int | None]] = []
    app = make_app(tg)

    async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.contact
        contact = update.effective_message.contact
        seen.append((contact.phone_number, contact.user_id))
        own = contact.user_id == update.effective_user.id  # type: ignore[union-attr]
        await update.effective_message.reply_text("ok" if own else "không phải của bạn")

    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    async with Polling(app):
        lan.share_contact()
        await lan.wait_for("ok")
        lan.share_contact("+84987654321", own=False)
        await lan.wait_for("không phải")
    assert seen == [("84912345678", 1001), ("+84987654321", None)]


async def test_button_press_answer_and_edit(tg: LocalTelegram) -> None:
    lan = tg.user(1001, "Lan")
    app = make_app(tg)

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Đã ghi nhận", show_alert=True)
        await query.edit_message_text(f"Bạn chọn: {query.data}")

    app.add_handler(CallbackQueryHandler(on_press))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Có mặt", callback_data="att:yes")],
            [InlineKeyboardButton("Xin phép", callback_data="att:no")],
        ]
    )
    async with Polling(app):
        await app.bot.send_message(1001, "Điểm danh buổi 1?", reply_markup=markup)
        with pytest.raises(AssertionError, match="Có mặt"):
            lan.press("Vắng")
        update_id = lan.press("Có mặt")
        edited = await lan.wait_for("Bạn chọn: att:yes")

    assert edited.edit_history == ["Điểm danh buổi 1?"]
    assert edited.reply_markup is None  # Telegram drops a keyboard the edit did not repeat
    [answer] = tg.answered_callback_queries
    assert (answer.update_id, answer.text, answer.show_alert) == (update_id, "Đã ghi nhận", True)
    assert answer.answered_at >= answer.available_at
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        async with make_bot(tg) as bot:
            await bot.answer_callback_query(answer.callback_query_id)


async def test_edit_errors_and_reply_markup(tg: LocalTelegram, bot: Bot) -> None:
    tg.user(1001, "Lan")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(1001, "một", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("một", 1001, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("hai", 1001, 999)
    await bot.edit_message_text("hai", 1001, sent.message_id, reply_markup=markup)
    await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=None)
    msg = tg.sent(1001)[0]
    assert (msg.text, msg.edit_history, msg.buttons()) == ("hai", ["một"], [])
    assert await bot.delete_message(1001, sent.message_id)
    assert msg.deleted


async def test_document_round_trip(tg: LocalTelegram, bot: Bot) -> None:
    lan = tg.user(1001, "Lan")
    payload = "Họ và tên,SĐT\nNguyễn Văn A,0912345678\n".encode()
    sent = await bot.send_document(1001, payload, filename="ds.csv", caption="Danh sách")
    assert sent.document is not None and sent.document.file_name == "ds.csv"
    assert lan.last() is not None and lan.last().document == ("ds.csv", payload)  # type: ignore[union-attr]
    assert lan.last().caption == "Danh sách"  # type: ignore[union-attr]

    upload = b"PK\x03\x04 fake xlsx bytes"
    lan.send_document("lop.xlsx", upload, "application/vnd.ms-excel")
    [update] = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.document is not None
    assert update.message.document.file_name == "lop.xlsx"
    file = await bot.get_file(update.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == upload

    # A file_id the bot received can be sent on.
    again = await bot.send_document(1001, update.message.document.file_id)
    assert again.document is not None and tg.sent(1001)[-1].document == ("lop.xlsx", upload)


async def test_rate_limits(monkeypatch: pytest.MonkeyPatch, bot: Bot) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else PTB warns while building RetryAfter
    now = [1000.0]
    server = LocalTelegram(enforce_limits=True, clock=lambda: now[0])
    await server.start()
    try:
        async with make_bot(server) as b:
            server.user(1001, "Lan")
            await b.send_message(1001, "1")
            with pytest.raises(RetryAfter) as info:
                await b.send_message(1001, "2")
            assert info.value.retry_after == dtm.timedelta(seconds=1)
            now[0] += 0.99
            with pytest.raises(RetryAfter):
                await b.send_message(1001, "2")
            now[0] += 0.01
            await b.send_message(1001, "2")
            assert [m.text for m in server.sent(1001)] == ["1", "2"]

            group = server.group(-100, "Lớp BD 01")
            for i in range(20):
                await b.send_message(group.chat_id, str(i))
                now[0] += 1.0
            with pytest.raises(RetryAfter) as info:
                await b.send_message(group.chat_id, "21st")
            assert info.value.retry_after == dtm.timedelta(seconds=40)

            now[0] += 60
            for uid in range(2000, 2030):
                server.user(uid)
                await b.send_message(uid, "x")
            server.user(3000)
            with pytest.raises(RetryAfter):
                await b.send_message(3000, "31st in one second")
            server.enforce_limits = False
            await b.send_message(3000, "limits off")
        assert server.stats.answered_429 == 4
    finally:
        await server.stop()


async def test_blocked_user_and_injected_failures(
    monkeypatch: pytest.MonkeyPatch, tg: LocalTelegram, bot: Bot
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else PTB warns while building RetryAfter
    lan = tg.user(1001, "Lan")
    tg.block(1001)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "hi")
    lan.send_text("xin chào")  # writing to the bot again unblocks it
    await bot.send_message(1001, "hi")

    tg.fail_next("sendMessage", kind="5xx")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(1001, "5xx")
    tg.fail_next("sendMessage", kind="429", retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(1001, "429")
    tg.fail_next("sendMessage", kind="403")
    with pytest.raises(Forbidden):
        await bot.send_message(1001, "403")
    tg.fail_next("sendMessage", kind="timeout")
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "timeout", read_timeout=0.2)
    await bot.send_message(1001, "after")
    assert [m.text for m in lan.messages()] == ["hi", "after"]
    assert tg.stats.injected == {"5xx": 1, "429": 1, "403": 1, "timeout": 1}

    tg.set_random_failures(p_5xx=0.5, seed=7)
    outcomes = []
    for i in range(10):
        try:
            await bot.send_message(1001, f"r{i}")
            outcomes.append(True)
        except NetworkError:
            outcomes.append(False)
    assert True in outcomes and False in outcomes
    tg.set_random_failures()


async def test_never_started_user_gets_403(tg: LocalTelegram, bot: Bot) -> None:
    minh = tg.user(1002, "Minh", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(1002, "hi")
    minh.send_start()
    await bot.send_message(1002, "hi")


async def test_webhook_delivery_with_secret(tg: LocalTelegram, bot: Bot) -> None:
    received: asyncio.Queue[tuple[str | None, dict]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        lan = tg.user(1001, "Lan")
        url = f"http://127.0.0.1:{port}/hook"
        assert await bot.set_webhook(url, secret_token="s3cr3t")
        update_id = lan.send_text("qua webhook")
        secret, body = await asyncio.wait_for(received.get(), 3)
        assert secret == "s3cr3t"
        update = Update.de_json(body, bot)
        assert update.update_id == update_id and update.message.text == "qua webhook"  # type: ignore[union-attr]
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert await bot.delete_webhook()
        lan.send_text("polling again")
        [update] = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "polling again"
    finally:
        await runner.cleanup()


async def test_long_poll_waits_and_stop_ends_it(tg: LocalTelegram, bot: Bot) -> None:
    lan = tg.user(1001, "Lan")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    lan.send_command("lichhoc", "tuan", "nay")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message is not None and update.message.text == "/lichhoc tuan nay"
    entity = update.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 8)

    # The next call confirms the update; a pending long poll ends promptly at stop().
    poll = asyncio.create_task(bot.get_updates(offset=update.update_id + 1, timeout=30))
    await asyncio.sleep(0.1)
    started = asyncio.get_running_loop().time()
    await tg.stop()
    assert await asyncio.wait_for(poll, 2) == ()
    assert asyncio.get_running_loop().time() - started < 2


async def test_group_and_location(tg: LocalTelegram) -> None:
    lan = tg.user(1001, "Lan")
    group = tg.group(-1001234567890, "Lớp Sơ cấp K12")
    app = make_app(tg)

    async def where(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        loc = update.effective_message.location
        await update.effective_message.reply_text(f"vị trí {loc.latitude:.2f}")  # type: ignore[union-attr]

    async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        await update.effective_message.reply_text(f"nhóm {update.effective_chat.type}")

    app.add_handler(MessageHandler(filters.LOCATION, where))
    app.add_handler(CommandHandler("hoi", hello))
    async with Polling(app):
        lan.send_location(21.03, 105.85)
        await lan.wait_for("vị trí 21.03")
        group.member(lan).send_command("hoi")
        msg = await group.wait_for("nhóm supergroup")
    assert msg.chat_id == -1001234567890 and group.messages() == [msg]


async def test_control_api(tg: LocalTelegram, bot: Bot) -> None:
    async with aiohttp.ClientSession(base_url=tg.url) as http:
        res = await http.post("/_control/users", json={"user_id": 1005, "first_name": "Hoa"})
        assert (await res.json())["ok"]
        res = await http.post("/_control/users/1005/text", json={"text": "xin chào"})
        update_id = (await res.json())["update_id"]
        [update] = await bot.get_updates()
        assert update.update_id == update_id and update.message.text == "xin chào"  # type: ignore[union-attr]
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Đồng ý", callback_data="ok")]])
        await bot.send_message(1005, "Xác nhận?", reply_markup=markup)
        res = await http.get("/_control/chats/1005/messages")
        [message] = (await res.json())["result"]
        assert message["text"] == "Xác nhận?" and message["buttons"] == [["Đồng ý", "ok"]]
        res = await http.post("/_control/users/1005/press", json={"button": "Đồng ý"})
        assert res.status == 200
        res = await http.post("/_control/users/1005/press", json={"button": "Không"})
        assert res.status == 400 and "Đồng ý" in (await res.json())["description"]
        res = await http.post("/_control/users/42/text", json={"text": "?"})
        assert res.status == 404
    [press] = await bot.get_updates(offset=update_id + 1)
    assert press.callback_query is not None and press.callback_query.data == "ok"


async def test_commands_chat_and_misc(tg: LocalTelegram, bot: Bot) -> None:
    tg.user(1001, "Lan", "Nguyễn", username="lan_ng")
    assert await bot.set_my_commands([("lichhoc", "Lịch học"), ("hoi", "Đặt câu hỏi")])
    assert [c.command for c in await bot.get_my_commands()] == ["lichhoc", "hoi"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("LichHoc", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    chat = await bot.get_chat(1001)
    assert (chat.type, chat.first_name, chat.username) == ("private", "Lan", "lan_ng")
    assert await bot.send_chat_action(1001, "typing")
    photo = await bot.send_photo(1001, b"\x89PNG fake", caption="ảnh")
    assert photo.photo and tg.sent(1001)[-1].photo == b"\x89PNG fake"


async def test_application_in_webhook_mode(tg: LocalTelegram) -> None:
    """PTB's own webhook server (tornado) receives our POSTs and checks the secret."""
    pytest.importorskip("tornado")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lan = tg.user(1001, "Lan")
    app = make_app(tg)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"nhận: {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url=f"http://127.0.0.1:{port}/tg",
            secret_token="abc-123",
        )
        lan.send_text("chào bot")
        await lan.wait_for("nhận: chào bot")
        await app.updater.stop()
        await app.stop()
    assert tg.stats.webhook_deliveries == 1 and tg.stats.webhook_errors == 0


async def test_webhook_posts_in_parallel_one_update_of_a_chat_at_a_time(
    tg: LocalTelegram, bot: Bot
) -> None:
    """As Telegram: up to max_connections POSTs at once, but a chat's updates in order."""
    open_posts: list[int] = []  # chat ids of the POSTs being answered
    most = 0
    order: list[tuple[int, str]] = []
    release = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        nonlocal most
        message = (await request.json())["message"]
        chat = message["chat"]["id"]
        assert chat not in open_posts  # never two of one chat at once
        open_posts.append(chat)
        most = max(most, len(open_posts))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(release.wait(), 0.3)
        open_posts.remove(chat)
        order.append((chat, message["text"]))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        users = [tg.user(2000 + i, f"HV{i}") for i in range(6)]
        assert await bot.set_webhook(url, secret_token="s3cr3t", max_connections=4)
        for user in users:
            user.send_text("một")
            user.send_text("hai")
        for _ in range(100):
            if len(order) == 12:
                break
            await asyncio.sleep(0.1)
        release.set()
    finally:
        await runner.cleanup()
    assert most == 4  # four connections, each held: no more, no fewer
    assert sorted(order) == sorted((u.user_id, t) for u in users for t in ("một", "hai"))
    for user in users:
        assert [t for c, t in order if c == user.user_id] == ["một", "hai"]
    assert tg.stats.webhook_deliveries == 12 and tg.stats.webhook_errors == 0
