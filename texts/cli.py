"""The staff command line's frame and failures: help headings, usage errors, and the one line
printed when a command cannot run (never a traceback, never a learner's data)."""

from __future__ import annotations

# --- help frame (Typer/Click's English words, in the order a help page shows them) ---------
USAGE = "Cách dùng: "
HEADINGS = {
    "Arguments": "Tham số",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
}
USAGE_WORDS = {
    "[OPTIONS]": "[TÙY CHỌN]",
    "COMMAND": "LỆNH",
    "[ARGS]...": "[THAM SỐ]...",
}
HELP_OPTION = "Xem hướng dẫn này rồi thoát."
HELP_WORDS = {
    "Show this message and exit.": HELP_OPTION,
    "[required]": "[bắt buộc]",
    "default: ": "mặc định: ",
    "env var: ": "biến môi trường: ",
}
TYPE_WORDS = {
    "<str>": "<chữ>",
    "<path>": "<tệp>",
    "<int>": "<số>",
    "<float>": "<số>",
}

# --- usage errors ------------------------------------------------------------------------
TRY_HELP = "Gõ '{command} --help' để xem hướng dẫn."
ERROR = "Lỗi: {message}"
NO_SUCH_OPTION = "không có tùy chọn {option}."
DID_YOU_MEAN = " Có phải ý bạn là {choices}?"
NO_SUCH_COMMAND = "không có lệnh «{command}»."
MISSING_ARGUMENT = "thiếu tham số {name}."
MISSING_OPTION = "thiếu tùy chọn {name}."
BAD_VALUE = "giá trị của {name} không đúng: {reason}"
NEEDS_INTEGER = "cần một số nguyên."
NEEDS_NUMBER = "cần một số."
PATH_MISSING = "tệp không tồn tại."
VALUE_WRONG = "không hợp lệ."
NEEDS_VALUE = "tùy chọn {option} cần một giá trị."
TAKES_NO_VALUE = "tùy chọn {option} không nhận giá trị."
EXTRA_ARGUMENTS = "thừa tham số: {args}."
USAGE_WRONG = "lệnh gõ chưa đúng cách dùng."
ABORTED = "Đã dừng, chưa có gì thay đổi."
INTERRUPTED = "Đã dừng theo yêu cầu."

# --- failures: one line each, naming the cause -------------------------------------------
FAILED = "Không thực hiện được: {cause}"
CONFIG = "cấu hình sai ở {error}"
CENTRE_NEEDED = "cài đặt này phục vụ nhiều trung tâm: chọn một bằng --trung-tam ({keys})"
CENTRE_UNKNOWN = "không có trung tâm «{key}»; các trung tâm: {keys}"
CENTRE_OPTION = "Trung tâm mà lệnh làm việc cho (khi cài đặt phục vụ nhiều trung tâm)."
DB_MISSING = (
    "không có cơ sở dữ liệu ở {path}. Kiểm tra lại database.url (hoặc SLL_DATABASE_URL); "
    "nếu đây là lần đầu, tạo mới bằng `sll db nang-cap`."
)
DB_LOCKED = (
    "cơ sở dữ liệu đang bị một tiến trình khác khóa quá lâu. Chưa có gì thay đổi; "
    "hãy thử lại sau ít phút."
)
DB_CORRUPT = "tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu SQLite."
DB_URL_BAD = "địa chỉ cơ sở dữ liệu (database.url) không đúng dạng."
DB_UNREACHABLE = (
    "không kết nối được máy chủ cơ sở dữ liệu (PostgreSQL chưa chạy, hoặc sai máy, sai cổng)."
)
DB_AUTH = "máy chủ cơ sở dữ liệu từ chối đăng nhập (sai tên người dùng hoặc mật khẩu)."
DB_NOT_FOUND_ON_SERVER = "máy chủ PostgreSQL không có cơ sở dữ liệu ghi trong database.url."
DB_OUT_OF_DATE = "cơ sở dữ liệu cần nâng cấp; chạy `sll db nang-cap` rồi thử lại."
DB_ERROR = "cơ sở dữ liệu báo lỗi ({kind}). Chưa có gì thay đổi."
FILE_WRITE = "không ghi được tệp {path} (thư mục không tồn tại hoặc không có quyền ghi)."
UNEXPECTED = "lỗi không mong đợi ({kind}). Chưa có gì thay đổi."

# Outcomes of the command line's own verbs (database, backup, files).
DB_CURRENT = "Cơ sở dữ liệu đã ở phiên bản mới nhất."
NOT_DONE = "Không thực hiện được, chưa có gì thay đổi:"
FILE_NOT_FOUND = "Không tìm thấy tệp"
FILE_UNREADABLE = "Không đọc được tệp {name}:"
BACKUP_FAILED = "Không sao lưu được:"
BACKUP_DONE = "Đã sao lưu và kiểm tra: {path} ({size} MB)."
RESTORE_CANCELLED = "Đã hủy, chưa có gì thay đổi."
RESTORE_FAILED = "Không khôi phục được, chưa có gì thay đổi:"
RESTORED = "Đã khôi phục từ {name}."
RESTORE_KEPT = "Dữ liệu trước khi khôi phục được giữ ở {path}."
