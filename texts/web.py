"""Texts of the staff web console (issue 19): the /web command and every page's words.

Plain, short Vietnamese for people who read little; templates take their words from here."""

from __future__ import annotations

# --- /web in chat --------------------------------------------------------------------------
DESCRIPTION = "Mở trang quản lý trên máy tính"
LINK = (
    "🖥 Trang quản lý của trung tâm:\n{url}\n\n"
    "Đường liên kết chỉ dùng được một lần, trong {minutes} phút. Đừng chuyển cho người khác."
)
OFF = "Trang quản lý chưa được bật trên máy chủ ([web] port = 0)."

AGAIN = " Gõ /web trong Telegram để lấy link mới."
REFUSALS = {
    "web.not_staff": "Chỉ cán bộ trung tâm được dùng trang quản lý.",
    "web.link_unknown": "Đường liên kết không đúng." + AGAIN,
    "web.link_used": "Đường liên kết này đã được dùng." + AGAIN,
    "web.link_expired": "Đường liên kết đã hết hạn." + AGAIN,
}

# --- pages ---------------------------------------------------------------------------------
TITLE = "Sổ Liên Lạc"
LOGGED_OUT = "Bạn đã đăng xuất. Gõ /web trong Telegram để vào lại."
LOGIN_NEEDED = "Bạn cần đăng nhập. Gõ /web trong Telegram để lấy đường liên kết."
FORBIDDEN = "Bạn không có quyền xem trang này."
BAD_FORM = "Biểu mẫu không hợp lệ hoặc đã cũ. Hãy tải lại trang rồi làm lại."
NOT_FOUND = "Không tìm thấy trang này."
LOGOUT = "Đăng xuất"
SKIP = "Bỏ qua, đến nội dung chính"
MENU = {
    "today": "Hôm nay",
    "classes": "Lớp học",
    "questions": "Câu hỏi",
    "leave": "Xin phép",
    "notices": "Thông báo",
    "imports": "Nhập tệp",
    "results": "Kết quả",
    "stats": "Thống kê",
}

TODAY_TITLE = "Hôm nay"
TODAY_NOW = "Đang học"
TODAY_NEXT = "Sắp tới"
TODAY_NONE = "Không có buổi học nào."
CHECKED_IN = "Đã điểm danh: {attended}/{total}"

CLASSES_TITLE = "Các lớp học"
CLASSES_NONE = "Chưa có lớp nào."
COL_CODE = "Mã lớp"
COL_NAME = "Tên lớp"
COL_DATES = "Thời gian"
COL_LEARNERS = "Học viên"
COL_SESSIONS = "Buổi"

CLASS_ROSTER = "Danh sách học viên"
CLASS_SESSIONS = "Các buổi học"
CLASS_GRID = "Bảng điểm danh"
COL_NO = "STT"
COL_LEARNER = "Họ và tên"
COL_UNIT = "Đơn vị"
COL_PHONE = "Điện thoại"
COL_LINK = "Liên kết"
COL_RATE = "Tỉ lệ"
LINKED = "Đã liên kết"
NOT_LINKED = "Chưa liên kết"
GRID_HINT = "Bấm vào một ô để sửa điểm danh và xem lịch sử."
# Marks are worded as in chat and the sheet: texts.attendance STATUS_NAMES, SHEET_SYMBOLS.

CORRECT_TITLE = "Sửa điểm danh"
CORRECT_CURRENT = "Hiện tại: {status}"
CORRECT_STATUS = "Trạng thái mới"
CORRECT_REASON = "Lý do sửa (bắt buộc)"
CORRECT_SAVE = "Lưu"
CORRECT_DONE = "Đã sửa: {name}, {session}: {old} → {new}."
CORRECT_SAME = "Không đổi: {name} đã là {new}."
CORRECT_NEED_REASON = "Vui lòng ghi lý do sửa."
HISTORY = "Lịch sử thay đổi"
HISTORY_NONE = "Chưa có thay đổi nào."
COL_WHEN = "Lúc"
COL_CHANGE = "Thay đổi"
COL_BY = "Người sửa"
COL_HOW = "Cách"
COL_REASON = "Lý do"
BACK_TO_CLASS = "← Về lớp {code}"

QUESTIONS_TITLE = "Câu hỏi đang chờ trả lời"
QUESTIONS_NONE = "Không có câu hỏi nào đang chờ."
QUESTION_FROM = "Câu {number} – {name}, lớp {code}, {when}"
ANSWER_LABEL = "Câu trả lời"
ANSWER_SEND = "Gửi câu trả lời"
ANSWERED = "Đã gửi câu trả lời câu {number} cho {name}."
OTHER_WAYS = "Cách khác: đã giải đáp trên lớp, hoặc đóng câu hỏi"
CLOSE_REASON = "Lý do đóng (học viên sẽ nhận được)"

LEAVE_TITLE = "Đơn xin phép đang chờ duyệt"
LEAVE_NONE = "Không có đơn xin phép nào đang chờ duyệt."
LEAVE_LINE = "{name} ({unit}) – vắng {session} ({when})"
LEAVE_REASON = "Lý do: {reason}"
APPROVE = "Duyệt"
REFUSE = "Không duyệt"

NOTICES_TITLE = "Thông báo đã gửi"
NOTICES_PICK = "Chọn lớp để xem thông báo:"
RESEND = "Gửi lại các tin lỗi"
NOTICES_FAILED = "Tin gửi lỗi"
NOTICES_KIND = "Loại tin"
NOTICES_BY_KIND = "Theo loại tin"
NOTICES_SUMMARY = "Tóm tắt (như trong Telegram)"
NOTICE_STATUS = ("Đã gửi", "Đang chờ", "Lỗi", "Hết hạn", "Đã hủy")
RESENT = "Đã xếp {count} tin để gửi lại."

IMPORTS_TITLE = "Nhập tệp Excel"
IMPORT_KIND = {"roster": "Danh sách học viên", "schedule": "Lịch học", "results": "Kết quả học tập"}
IMPORT_KIND_LABEL = "Loại tệp"
IMPORT_CLASS = "Lớp"
IMPORT_FILE = "Tệp (xlsx hoặc csv)"
IMPORT_CHECK = "Kiểm tra tệp"
IMPORT_ERRORS = "Tệp có lỗi, chưa nhập gì:"
ROW_ERROR = "Dòng {row}: {message}"
IMPORT_PREVIEW = "Xem trước: {count} dòng sẽ được nhập. Chưa có gì được lưu."
IMPORT_CONFIRM = "Nhập vào lớp"
IMPORT_EXPIRED = "Bản xem trước đã cũ. Vui lòng chọn tệp lại."

RESULTS_TITLE = "Kết quả học tập"
RESULTS_PICK = "Chọn lớp:"
PUBLISHED = "đã công bố"
NOT_PUBLISHED = "chưa công bố"
PUBLISH = "Công bố kết quả"
PUBLISH_CONFIRM = (
    "Công bố kết quả lớp {code}? Mỗi học viên và đơn vị sẽ nhận tin. Không thể làm lại."
)
PUBLISH_YES = "Có, công bố"
COL_GRADE = "Xếp loại"
COL_SCORES = "Điểm"
COL_ATTENDANCE = "Chuyên cần"

STATS_TITLE = "Thống kê"
STATS_KIND = {"month": "Tháng", "quarter": "Quý", "year": "Năm"}
STATS_SHOW = "Xem"
STATS_PERIOD = "Theo"
STATS_VALUE = "Kỳ (ví dụ 3/2024, 1/2024, 2024)"
STATS_XLSX = "Tải tệp Excel"
STATS_CHART = "Biểu đồ số học viên và tỉ lệ chuyên cần"
IMPORTED = "Đã nhập {count} dòng vào lớp {code}: {created} mới, {updated} cập nhật."
