"""The staff web console in a real browser (issue 19): Debian's Chromium driven by Selenium
through Debian's chromium-driver (the two come from one source package, so their versions
always match, and nothing is downloaded at run time), against the real bot process, its
database, and the local Telegram where the learner reads the answer.

Each page is saved as a screenshot under tests/screenshots/ (two are shown in the README)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import update

from db.database import Database
from db.models import StaffMember, WebLink
from localapi.telegram import LocalTelegram
from tests.conftest import REPO, SAMPLE_EVE, SAMPLES, BotProcess, start_bot
from tests.test_web import roster_csv
from texts import refusals
from texts import results as RT
from texts import web as T
from usecases.refusal import Refused
from usecases.web_login import WebReason

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SHOTS = REPO / "tests" / "screenshots"
CLASS = "SC-K4"
LAN_PHONE = "0731706690"  # Lê Thị Ngọc Lan, on the sample roster
R = TypeVar("R")

if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    if os.environ.get("CI"):  # .ci/run installs them: missing there is a failure, not a skip
        raise RuntimeError("chromium and chromium-driver missing: .ci/run should install them")
    pytest.skip(
        "no chromium/chromium-driver here: apt-get install chromium chromium-driver",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402 - only where the browser is
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=vi"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
async def web_bot(local_telegram: LocalTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    port = free_port()
    process = await start_bot(
        local_telegram, db_url, tmp_path,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(), SLL_WEB_PORT=str(port),
    )  # fmt: skip
    process.env["web_port"] = str(port)
    for args in (
        ["lop", "tao", CLASS, "--ten", "Sơ cấp LLCT khóa IV", "--loai", "Sơ cấp LLCT"],
        ["lop", "nhap-hoc-vien", CLASS, str(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")],
        ["lop", "nhap-lich", CLASS, str(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")],
    ):
        result = process.cli(*args)
        assert result.returncode == 0, result.stderr
    yield process
    code = await process.stop()
    assert code == 0, f"bot did not shut down cleanly ({code}):\n{process.log()}"


async def run(fn: Callable[..., R], *args: Any) -> R:
    """A WebDriver call, off the event loop: the local Telegram lives on it and must answer
    the bot while the browser waits for a page."""
    return await asyncio.to_thread(fn, *args)


async def shot(driver: WebDriver, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    await run(driver.save_screenshot, str(SHOTS / f"{name}.png"))


async def page_text(driver: WebDriver) -> str:
    return await run(lambda: driver.find_element(By.TAG_NAME, "body").text)


async def click(driver: WebDriver, css: str, *, navigates: bool = True) -> None:
    """Click; for a link or a form's button, wait until the next page has replaced this one
    (this page is marked first; the next one is a new document without the mark)."""

    def arrived(d: WebDriver) -> bool:
        return bool(d.execute_script(
            "return window.__sllOld === undefined && document.readyState === 'complete'"
        ))  # fmt: skip

    def go() -> None:
        if navigates:
            driver.execute_script("window.__sllOld = true")
        driver.find_element(By.CSS_SELECTOR, css).click()
        if navigates:
            WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(arrived)

    await run(go)


async def class_id(driver: WebDriver) -> str:
    link = await run(lambda: driver.find_element(By.LINK_TEXT, CLASS).get_attribute("href"))
    return str(link).rsplit("/", 1)[1]


async def login_link(telegram: LocalTelegram, bot: BotProcess) -> str:
    staff = telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("web")
    reply = await staff.wait_for("/vao/", timeout=10)
    return next(word for word in (reply.text or "").split() if "/vao/" in word)


async def execute(db_url: str, statement: Any) -> None:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            await uow.session.execute(statement)
            await uow.commit()
    finally:
        await db.dispose()


def say(reason: WebReason) -> str:
    return refusals.say(Refused(reason))


async def test_staff_log_in_by_link_correct_a_mark_answer_import_and_publish(
    web_bot: BotProcess, local_telegram: LocalTelegram, browser: WebDriver, tmp_path: Path
) -> None:
    base = f"http://127.0.0.1:{web_bot.env['web_port']}"
    lan = local_telegram.user(1001, "Lan")
    lan.share_contact(LAN_PHONE)
    await lan.wait_for("đã được liên kết")
    lan.send_command("hoi", "Khi", "nào", "thi", "cuối", "khóa", "ạ?")
    await lan.wait_for("Đã gửi câu hỏi số")

    # Log in by the link from /web; the link then refuses a second use.
    link = await login_link(local_telegram, web_bot)
    assert link.startswith(base)
    await run(browser.get, link)
    await shot(browser, "01-dang-nhap")
    await click(browser, "#dang-nhap")
    assert T.TODAY_TITLE in await page_text(browser)
    await shot(browser, "02-hom-nay")

    # The grid: correct Lan's first mark with a reason, and see it in the history.
    await run(browser.get, f"{base}/lop")
    await shot(browser, "03-lop")
    await click(browser, f"a[href='/lop/{await class_id(browser)}']")
    assert "Lê Thị Ngọc Lan" in await page_text(browser)
    await click(browser, "a[aria-label^='Lê Thị Ngọc Lan, Buổi 1']")
    await click(browser, "input[value='excused']", navigates=False)
    await run(lambda: browser.find_element(By.ID, "reason").send_keys("Có giấy mời họp xã"))
    await click(browser, "form.stack button[type='submit']")
    text = await page_text(browser)
    assert "Có giấy mời họp xã" in text and "chưa điểm danh → vắng có phép" in text
    await shot(browser, "05-sua-diem-danh")

    # A forged form (its CSRF token taken out) changes nothing.
    await run(
        browser.execute_script,
        ("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())"),
    )
    await click(browser, "input[value='absent']", navigates=False)
    await run(lambda: browser.find_element(By.ID, "reason").send_keys("giả mạo"))
    await click(browser, "form.stack button[type='submit']")
    assert T.BAD_FORM in await page_text(browser)
    await run(browser.back)
    await run(browser.refresh)
    assert "giả mạo" not in await page_text(browser)
    await click(browser, "main p a")  # back to the class: the corrected mark in the grid
    await shot(browser, "04-bang-diem-danh")

    # The question: answered on the page, received by Lan in Telegram.
    await run(browser.get, f"{base}/cau-hoi")
    assert "Khi nào thi cuối khóa ạ?" in await page_text(browser)
    await shot(browser, "06-cau-hoi")
    await run(lambda: browser.find_element(By.CSS_SELECTOR, "textarea[name=answer]")
              .send_keys("Thi vào sáng thứ Sáu tuần cuối."))  # fmt: skip
    await click(browser, "section.card button[type='submit']")
    assert T.ANSWERED.split("{")[0] in await page_text(browser)
    answer = await lan.wait_for("Thi vào sáng thứ Sáu tuần cuối.", timeout=20)
    assert "Khi nào thi cuối khóa" in (answer.text or "")

    # A roster with a bad row: the row number, and nothing written.
    bad = tmp_path / "danh-sach-loi.csv"
    bad.write_bytes(roster_csv(bad_phone_on_row=4))
    await run(browser.get, f"{base}/nhap")
    await run(lambda: browser.find_element(By.ID, "file").send_keys(str(bad)))
    await click(browser, "form[enctype] button[type='submit']")
    assert "Dòng 4:" in await page_text(browser)
    await shot(browser, "07-nhap-loi")

    # Results: imported on the page (preview first), then published after the confirmation.
    await run(browser.get, f"{base}/nhap")
    await click(browser, "#kind option[value=results]", navigates=False)
    await run(lambda: browser.find_element(By.ID, "file").send_keys(
        str(SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx")))  # fmt: skip
    await click(browser, "form[enctype] button[type='submit']")
    assert "Chưa có gì được lưu" in await page_text(browser)
    await shot(browser, "08-nhap-xem-truoc")
    await click(browser, "#xem-truoc button[type='submit']")
    await run(browser.get, f"{base}/ket-qua/{CLASS}/cong-bo")
    await shot(browser, "09-cong-bo")
    await click(browser, "#cong-bo")
    assert RT.PUBLISHED.split("{")[0].strip() in await page_text(browser)
    await shot(browser, "10-ket-qua")
    header = RT.LEARNER_HEADER.split("{")[0]  # her own result, in her private chat
    result = await lan.wait_for(header, timeout=20, since_last_action=False)
    assert "Lê Thị Ngọc Lan" in (result.text or "") and "Khá" in (result.text or "")

    for path, name in (("/xin-phep", "11-xin-phep"), (f"/thong-bao?lop={CLASS}", "12-thong-bao"),
                       ("/thong-ke?loai=year&ky=2024", "13-thong-ke")):  # fmt: skip
        await run(browser.get, base + path)
        assert T.LOGIN_NEEDED not in await page_text(browser)
        await shot(browser, name)
    await run(browser.set_window_size, 390, 844)  # a phone
    await run(browser.get, f"{base}/lop")
    await shot(browser, "14-dien-thoai")

    # Logout; the same link cannot open a session again.
    await run(browser.set_window_size, 1280, 900)
    await click(browser, "form.logout button")
    assert T.LOGGED_OUT in await page_text(browser)
    await run(browser.get, link)
    await click(browser, "#dang-nhap")
    assert say(WebReason.LINK_USED) in await page_text(browser)


async def test_an_expired_link_and_a_session_no_longer_staff_are_refused(
    web_bot: BotProcess, local_telegram: LocalTelegram, browser: WebDriver
) -> None:
    base = f"http://127.0.0.1:{web_bot.env['web_port']}"
    link = await login_link(local_telegram, web_bot)
    # Ten minutes pass (the bot's clock is fixed for the sample class, so the link ages here).
    await execute(web_bot.db_url, update(WebLink).values(expires_at=SAMPLE_EVE))
    await run(browser.get, link)
    await click(browser, "#dang-nhap")
    assert say(WebReason.LINK_EXPIRED) in await page_text(browser)
    await run(browser.get, f"{base}/lop")
    assert T.LOGIN_NEEDED in await page_text(browser)

    await run(browser.get, await login_link(local_telegram, web_bot))
    await click(browser, "#dang-nhap")
    assert T.TODAY_TITLE in await page_text(browser)
    # Staff no longer: the open session sees nothing more.
    await execute(web_bot.db_url, update(StaffMember).values(active=False))
    await run(browser.get, f"{base}/lop")
    text = await page_text(browser)
    assert T.FORBIDDEN in text and CLASS not in text
    await shot(browser, "15-khong-phai-can-bo")
