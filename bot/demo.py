"""The newcomer's demo: with no token, the real bot runs against the local Telegram and the
local Zalo, and this script plays the people of journey 1–2: staff set a class up with the
command line, a learner links on Telegram by sharing her phone number and asks for the
schedule, a stranger is refused, a unit leader links with an invite code, and a classmate on
Zalo links by typing her invite code and picks the schedule from a numbered menu. It prints
what each person saw."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot.app import Runtime
from localapi.telegram import FakeUser, SentMessage
from localapi.zalo import ZaloFakeUser, ZaloSentMessage
from vn.dates import format_date

__all__ = ["journey", "sample_data"]

CLASS_CODE = "SC-K4"
SETTLE_SECONDS = 0.4  # after the first reply, wait this long for any further ones
DEMO_RUNNING = (
    "Bot đang chạy với Telegram giả lập tại {url} và Zalo giả lập tại {zalo_url}. "
    "Nhấn Ctrl-C để dừng."
)
LEADER = "Hà Văn Thắng"
ZALO_LEARNER = "Bùi Thị Hồng Pâng"  # on the sample roster; she uses Zalo, not Telegram
SCHEDULE_LABEL = "📅 Lịch học"  # the schedule's button label (handlers/routes.py)


def sample_data() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("SLL_SAMPLE_DATA", default))


def journey(*, stop_after: bool) -> Callable[[Runtime], Awaitable[None]]:
    async def play(rt: Runtime) -> None:
        try:
            await _play(rt)
        finally:
            if stop_after:
                stop = rt.extras["stop"]
                assert isinstance(stop, asyncio.Event)
                stop.set()
            else:
                url = rt.local_telegram.url if rt.local_telegram else ""
                zalo_url = rt.local_zalo.url if rt.local_zalo else ""
                print(f"\n{DEMO_RUNNING.format(url=url, zalo_url=zalo_url)}", flush=True)

    return play


async def _play(rt: Runtime) -> None:
    data = sample_data()
    tz = rt.settings.timezone
    today = rt.services.clock.now().astimezone(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    _title("Cán bộ trung tâm nhập lớp từ tệp Excel (dòng lệnh sll)")
    codes: dict[str, str] = {}
    for args in (
        [
            "lop",
            "tao",
            CLASS_CODE,
            "--ten",
            "Sơ cấp lý luận chính trị khóa IV",
            "--loai",
            "Sơ cấp lý luận chính trị",
            "--dia-diem",
            "Trung tâm Chính trị huyện",
        ],
        ["lop", "nhap-hoc-vien", CLASS_CODE, str(data / "danh-sach-so-cap-llct-k4-2024.xlsx")],
        [
            "lop",
            "nhap-lich",
            CLASS_CODE,
            str(data / "lich-hoc-so-cap-llct-k4-2024.xlsx"),
            "--bat-dau",
            format_date(monday),
        ],
        ["lop", "lop-truong", CLASS_CODE, "1"],
        [
            "don-vi",
            "lanh-dao",
            "Đoàn xã Phiêng Ban",
            "--ten",
            "Hà Văn Thắng",
            "--sdt",
            "0912 345 678",
            "--chuc-vu",
            "Bí thư Đoàn xã",
        ],
        ["lop", "loi-moi", CLASS_CODE],
    ):
        output = await _cli(rt, args)
        if args[:2] == ["lop", "loi-moi"]:
            codes = _codes(output)
            output = "\n".join(
                line for line in output.splitlines() if LEADER in line or ZALO_LEARNER in line
            )
        print(f"$ sll {' '.join(args)}\n{output}", flush=True)

    sim = rt.local_telegram
    assert sim is not None
    lan = sim.user(10001, "Lan", "Lê Thị Ngọc")
    _title("Học viên Lê Thị Ngọc Lan mở bot lần đầu")
    await _act(lan, "/start", lambda: lan.send_command("start"))
    await _act(lan, "[bấm 📱 Chia sẻ số điện thoại]", lambda: lan.share_contact("0731706690"))
    await _act(lan, "[bấm 📅 Lịch học]", lambda: lan.press("lichhoc"))

    stranger = sim.user(10002, "Minh")
    _title("Một người lạ gửi danh thiếp của người khác")
    await _act(
        stranger,
        "[gửi danh thiếp 0963 608 377]",
        lambda: stranger.share_contact("0963608377", own=False),
    )

    leader = sim.user(10003, "Thắng", "Hà Văn")
    code = codes[LEADER]
    _title("Lãnh đạo đơn vị mở đường liên kết mời")
    await _act(leader, f"/start {code}", lambda: leader.send_start(code))

    staff = sim.user(rt.settings.telegram.staff_ids[0], "Cán bộ")
    _title("Cán bộ trung tâm xem lịch")
    await _act(staff, "/lichhoc", lambda: staff.send_command("lichhoc"))
    _title("Cán bộ lấy đường liên kết vào trang quản lý trên máy tính (mở trong trình duyệt)")
    await _act(staff, "/web", lambda: staff.send_command("web"))

    if rt.local_zalo is not None:
        pang = rt.local_zalo.user("zalo-pang", "Pâng")
        _title("Học viên Bùi Thị Hồng Pâng dùng Zalo: gõ mã mời, rồi gõ số để chọn")
        await _say(pang, "Xin chào")
        linked = await _say(pang, codes[ZALO_LEARNER])
        menu = {label: number for number, label in _MENU_LINE.findall(linked[-1].text or "")}
        await _say(pang, menu.get(SCHEDULE_LABEL, "1"))


async def _cli(rt: Runtime, args: list[str]) -> str:
    env = {
        **os.environ,
        "SLL_DATABASE_URL": rt.settings.database_url,
        "SLL_CENTRE_NAME": rt.settings.centre_name,
        "SLL_TRUNG_TAM": rt.centres[0].key,  # with several centres, the demo plays the first
        "COLUMNS": "120",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await proc.communicate()
    return output.decode().rstrip()


_CODE = re.compile(r"^[A-Z0-9]{10}$")
_MENU_LINE = re.compile(r"^Gõ (\d+) để: (.+)$", re.MULTILINE)


def _codes(listing: str) -> dict[str, str]:
    """Invite codes by name, read from the table `sll lop loi-moi` printed."""
    codes = {}
    for line in listing.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        code = next((c for c in cells if _CODE.match(c)), None)
        name = next((c for c in cells if c), None)
        if code and name:
            codes[name] = code
    return codes


async def _act(user: FakeUser, label: str, action: Callable[[], object]) -> list[SentMessage]:
    before = len(user.messages())
    action()
    await user.wait_for(lambda m: True, timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)
    seen = user.messages()[before:]
    print(f"\n👤 {user.first_name}: {label}", flush=True)
    for message in seen:
        print(_show(message), flush=True)
    return seen


async def _say(user: ZaloFakeUser, text: str) -> list[ZaloSentMessage]:
    """A person on Zalo types `text`; print what the bot answered."""
    before = len(user.messages())
    user.send_text(text)
    await user.wait_for(lambda m: True, timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)
    seen = user.messages()[before:]
    print(f"\n👤 {user.display_name} (Zalo): {text}", flush=True)
    for message in seen:
        print(_show_text(message.text or ""), flush=True)
    return seen


def _show_text(text: str) -> str:
    return "\n".join(
        (f"🤖 {line}" if i == 0 else f"   {line}").rstrip()
        for i, line in enumerate(text.splitlines())
    )


def _show(message: SentMessage) -> str:
    lines = [
        f"🤖 {line}" if i == 0 else f"   {line}"
        for i, line in enumerate((message.text or "").splitlines())
    ]
    buttons = [label for label, _ in message.buttons()] + message.reply_buttons()
    if buttons:
        lines.append("   " + "  ".join(f"[{b}]" for b in buttons))
    return "\n".join(lines)


def _title(text: str) -> None:
    print(f"\n━━━ {text} ━━━", flush=True)
