"""Why the bot could not start: one line each for whoever runs it, naming the cause and
what to check. Never the token, never a traceback."""

PREFIX = "Bot không khởi động được: "
ALREADY_RUNNING = (
    "một bot khác đang chạy trên cùng tệp cơ sở dữ liệu {path} (khóa {lock}). "
    "Hãy dừng bot đó trước, hoặc dùng một tệp khác."
)
LOCK_FAILED = "không tạo được tệp khóa {lock} ({reason})."
BAD_DATABASE_URL = (
    "địa chỉ cơ sở dữ liệu «{url}» không hợp lệ ({reason}). Kiểm tra database.url / "
    "SLL_DATABASE_URL, ví dụ sqlite+aiosqlite:///data/sll.sqlite3 hoặc "
    "postgresql+asyncpg://user@host/db."
)
DATABASE_UNREACHABLE = (
    "không mở được cơ sở dữ liệu «{url}» ({reason}). Kiểm tra database.url / "
    "SLL_DATABASE_URL và máy chủ cơ sở dữ liệu."
)
TELEGRAM_TOKEN_REFUSED = "Telegram từ chối token của bot. Kiểm tra {key} (lấy lại từ @BotFather)."
ZALO_TOKEN_REFUSED = (
    "Zalo từ chối token của bot. Kiểm tra {key} (lấy lại trên Zalo Bot Platform), hoặc để "
    "trống nếu trung tâm không dùng Zalo."
)
PORT_IN_USE = (
    "không mở được cổng {address} để nhận tin {what} ({reason}). Có thể một chương trình "
    "khác đang dùng cổng này: chọn cổng khác ({key}) hoặc dừng chương trình kia."
)
TELEGRAM_UNREACHABLE = (
    "không kết nối được Telegram tại {url} ({reason}). Kiểm tra telegram.api_url / "
    "SLL_TELEGRAM_API_URL và kết nối mạng."
)
