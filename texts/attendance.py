"""Texts of attendance: check-in, the monitor's roster, room codes, corrections, reports."""

from __future__ import annotations

# Marks, as people read them: the ONE table of attendance status → Vietnamese name, for chat,
# the CLI and the exported sheets (a heading or a cell starts with a capital: `status_name`).
STATUS_NAMES = {
    "present": "có mặt",
    "late": "đi muộn",
    "excused": "vắng có phép",
    "absent": "vắng không phép",
}
NOT_MARKED = "chưa điểm danh"
STATUS_ICONS = {"present": "✅", "late": "⏰", "excused": "📝", "absent": "❌", None: "▫️"}
# One letter per mark in the exported sheet (legend in the title block).
SHEET_SYMBOLS = {"present": "x", "late": "M", "excused": "P", "absent": "V"}


def status_name(status: str | None, *, capital: bool = False) -> str:
    """'vắng có phép' ('Vắng có phép' with `capital`); no mark is 'chưa điểm danh'."""
    name = STATUS_NAMES.get(status, status) if status else NOT_MARKED
    return name[:1].upper() + name[1:] if capital else name


SESSION_LABEL = "Buổi {number}"
SESSION_UNNUMBERED = "Buổi học"
SESSION_OF_CLASS = "{label} lớp {class_name}"
SESSION_LINE = "{session} ({when})"
SESSION_BUTTON = "{label} – {when}"

# --- learner check-in ---------------------------------------------------------------------
ASK_CODE = (
    "📍 Điểm danh {session}.\n"
    "Vui lòng gõ mã phòng gồm 4 chữ số mà lớp trưởng hoặc cán bộ đang cho xem trong lớp."
)
CHOOSE_SESSION = "Bạn đang có nhiều buổi học mở điểm danh. Vui lòng chọn buổi:"
RECORDED_PRESENT = "✅ Đã điểm danh: bạn có mặt {session}, lúc {time}. Cảm ơn bạn!"
RECORDED_LATE = (
    "⏰ Đã điểm danh lúc {time}: bạn được ghi nhận đi muộn {session} "
    "(buổi học bắt đầu lúc {start})."
)
ALREADY_CHECKED_IN = "Bạn đã được ghi nhận {status} {session} rồi, không cần điểm danh lại."
TOO_EARLY = (
    "Chưa đến giờ điểm danh {session}. Điểm danh mở lúc {opens}, bạn vui lòng quay lại khi đó."
)
TOO_LATE = (
    "Đã hết giờ điểm danh {session} (đóng lúc {closes}). "
    "Nếu bạn có mặt, vui lòng báo lớp trưởng hoặc cán bộ trung tâm để được ghi nhận."
)
WRONG_CODE = (
    "Mã phòng «{code}» không đúng. Vui lòng xem lại mã đang hiển thị trong lớp rồi gõ lại "
    "(4 chữ số; còn {left} lần thử)."
)
NOT_A_CODE = (
    "«{code}» không phải mã phòng. Mã phòng gồm {digits} chữ số từ 0 đến 9 (ví dụ 4821), "
    "đang hiển thị trong lớp; vui lòng gõ lại."
)
TOO_MANY_TRIES = (
    "Bạn đã gõ sai mã phòng quá nhiều lần nên không tự điểm danh {session} được nữa. "
    "Vui lòng báo lớp trưởng hoặc cán bộ trung tâm để được ghi nhận."
)
NOT_ENROLLED = "Bạn không có tên trong danh sách lớp của buổi học này nên không điểm danh được."
NOT_ENROLLED_ANY = "Bạn chưa có tên trong danh sách lớp nào nên chưa điểm danh được."
SESSION_CANCELLED = "{session} đã hoãn, không cần điểm danh."
NO_SESSION = "Hiện không có buổi học nào của bạn đang mở điểm danh."
OUTSIDE_RADIUS = (
    "Vị trí bạn gửi cách nơi học khoảng {distance} m, xa hơn phạm vi cho phép ({radius} m). "
    "Vui lòng điểm danh khi đã có mặt tại lớp."
)
SEND_LOCATION_AGAIN = "Khi đã đến lớp, bạn chỉ cần gửi lại vị trí, không phải gõ lại mã."
NEED_LOCATION = (
    "Mã phòng đúng. Buổi học này cần thêm vị trí: vui lòng gửi vị trí hiện tại của bạn "
    "(bấm 📎 rồi chọn «Vị trí»)."
)
LOCATION_WITHOUT_CHECKIN = "Để điểm danh, vui lòng gõ /diemdanh rồi gõ mã phòng trước."

# --- room code --------------------------------------------------------------------------
ROOM_CODE = (
    "🔢 Mã phòng {session}:\n\n"
    "      {code}\n\n"
    "Cho học viên xem mã này để điểm danh (gõ /diemdanh rồi gõ mã). "
    "Điểm danh mở từ {opens} đến {closes}."
)
ROTATE_BUTTON = "🔄 Đổi mã mới"
CODE_ROTATED = "Đã đổi mã phòng."
NO_SESSION_FOR_CODE = "Hiện không có buổi học nào sắp diễn ra mà bạn phụ trách."
CHOOSE_SESSION_FOR_CODE = "Chọn buổi học để xem mã phòng:"

# --- the monitor's roster ------------------------------------------------------------------
ROSTER_HEADER = (
    "📋 Điểm danh {session}\n"
    "Có mặt {present} · Muộn {late} · Có phép {excused} · Vắng {absent} · Chưa {unmarked} "
    "(sĩ số {total}) · Trang {page}/{pages}"
)
ROSTER_HOW_TO_MARK = "Bấm vào tên để đổi: có mặt → muộn → có phép → vắng."
ROSTER_HOW_TO_MARK_TYPED = "Gõ số thứ tự của học viên để đổi: có mặt → muộn → có phép → vắng."
ROSTER_CLOSED = "\n🔒 Buổi học đã khóa sổ điểm danh; cán bộ sửa bằng /suadiemdanh."
ROSTER_LINE_BUTTON = "{icon} {number}. {name}"
ALL_PRESENT_BUTTON = "✅ Tất cả có mặt"
CONFIRM_ALL_PRESENT = (
    "Ghi có mặt cho {count} học viên chưa được điểm danh ở {session}? "
    "Những người đã được ghi (muộn, có phép, vắng) giữ nguyên."
)
CONFIRM_ALL_PRESENT_BUTTON = "✅ Đồng ý, ghi tất cả có mặt"
BACK_TO_ROSTER_BUTTON = "↩️ Quay lại danh sách"
PREV_BUTTON = "◀️ Trước"
NEXT_BUTTON = "Sau ▶️"
ALL_PRESENT_TOAST = "Đã ghi có mặt cho {count} học viên chưa điểm danh."
NO_SESSION_TO_MARK = (
    "Hiện không có buổi học nào đang mở điểm danh ở lớp bạn phụ trách "
    "(mở từ {before} phút trước giờ học đến khi buổi học kết thúc)."
)
CHOOSE_SESSION_TO_MARK = "Chọn buổi học để điểm danh:"
NOT_MONITOR = "Chỉ lớp trưởng của lớp này hoặc cán bộ trung tâm mới được điểm danh cho lớp."
MARKING_NOT_OPEN = "Chưa đến giờ điểm danh {session} (mở lúc {opens})."
MARKING_CLOSED = (
    "{session} đã khóa sổ điểm danh. Cán bộ trung tâm có thể sửa bằng /suadiemdanh (kèm lý do)."
)
LEARNER_NOT_IN_CLASS = "Người này không có tên trong danh sách lớp."
SESSION_NOT_FOUND = "Không tìm thấy buổi học này."

# --- staff correction ----------------------------------------------------------------------
CORRECT_CHOOSE_SESSION = "Sửa điểm danh: chọn buổi học."
CORRECT_CHOOSE_LEARNER = "Sửa điểm danh {session}: chọn học viên. Trang {page}/{pages}."
CORRECT_CHOOSE_STATUS = (
    "Sửa điểm danh của {name}, {session}.\nHiện tại: {status}. Chọn trạng thái mới:"
)
CORRECT_ASK_REASON = (
    "Đổi điểm danh của {name} ({session}) từ «{old}» thành «{new}».\n"
    "Vui lòng gõ lý do sửa (bắt buộc, sẽ được lưu lại)."
)
CORRECT_DONE = "✏️ Đã sửa điểm danh của {name}, {session}: «{old}» → «{new}».\nLý do: {reason}"
CORRECT_UNCHANGED = "Điểm danh của {name} đã là «{status}», không có gì thay đổi."
CORRECT_NO_SESSIONS = "Chưa có buổi học nào đã bắt đầu để sửa điểm danh."
HISTORY_HEADER = "Lịch sử thay đổi:"
HISTORY_LINE = "• {when}: {old} → {new} ({method}{by}){reason}"
HISTORY_BY = ", {name}"
HISTORY_REASON = " – {reason}"
METHOD_NAMES = {
    "checkin": "tự điểm danh",
    "monitor": "lớp trưởng",
    "staff": "cán bộ",
    "leave": "đơn xin phép",
    "close": "khóa sổ",
}

# --- review ----------------------------------------------------------------------------
REPORT_CHOOSE_CLASS = "Báo cáo điểm danh: chọn lớp."
REPORT_NO_CLASSES = "Chưa có lớp nào."
CLASS_REPORT_HEADER = "📊 Điểm danh lớp {class_name}\nSĩ số {total} · Tỉ lệ chuyên cần {rate}"
CLASS_REPORT_LINE = (
    "• {label} {date}: có mặt {present}, muộn {late}, có phép {excused}, vắng {absent}"
)
CLASS_REPORT_LINE_OPEN = " (chưa điểm danh {unmarked})"
CLASS_REPORT_NO_SESSIONS = "Lớp chưa có buổi học nào đã diễn ra."
SESSION_REPORT = (
    "📊 Điểm danh {session}\n"
    "Sĩ số {total}: có mặt {present}, đi muộn {late}, vắng có phép {excused}, "
    "vắng không phép {absent}, chưa điểm danh {unmarked}."
)
SESSION_REPORT_NAMES = "\n{title} ({count}): {names}"
ABSENT_TITLE = status_name("absent", capital=True)
EXCUSED_TITLE = status_name("excused", capital=True)
LATE_TITLE = status_name("late", capital=True)
UNMARKED_TITLE = status_name(None, capital=True)
EXPORT_BUTTON = "📥 Xuất bảng điểm danh (Excel)"
EXPORT_CAPTION = "Bảng điểm danh lớp {class_name}."
CLASS_NOT_FOUND = "Không tìm thấy lớp «{code}»."

# --- the exported sheet ------------------------------------------------------------------
SHEET_TITLE = "Điểm danh"
SHEET_TITLE_LINES = (
    "BẢNG ĐIỂM DANH LỚP {class_name}",
    "Mã lớp {code} · Xuất ngày {date}",
    "Ký hiệu: "
    + ", ".join(f"{symbol} = {STATUS_NAMES[s]}" for s, symbol in SHEET_SYMBOLS.items())
    + f", để trống = {NOT_MARKED}",
)
SHEET_NUMBER = "TT"
SHEET_NAME = "Họ và tên"
SHEET_UNIT = "Đơn vị"
SHEET_SESSION = "Buổi {number}\n{date}"
SHEET_PRESENT = "Có mặt"
SHEET_LATE = status_name("late", capital=True)
SHEET_EXCUSED = "Có phép"
SHEET_ABSENT = "Vắng"
SHEET_RATE = "Tỉ lệ chuyên cần"
SHEET_TOTAL_ROW = "Số có mặt (kể cả muộn)"
SHEET_RATE_ROW = "Tỉ lệ có mặt"
SHEET_FILENAME = "diem-danh-{code}.xlsx"

# --- units hear of absences ------------------------------------------------------------
ABSENCE_ALERT = (
    "Kính gửi đồng chí {leader},\n"
    "{session} ({when}) có {count} học viên của đơn vị vắng không phép:\n{names}\n"
    "Trân trọng, {centre}."
)
ABSENCE_NAME_LINE = "• {name} ({unit})"

# --- commands (help and Telegram's command menu) -----------------------------------------
CHECKIN_DESCRIPTION = "Điểm danh buổi học (gõ mã phòng)"
CHECKIN_BUTTON = "✅ Điểm danh"
ROSTER_DESCRIPTION = "Lớp trưởng điểm danh cho lớp"
ROSTER_BUTTON = "📋 Điểm danh lớp"
CODE_DESCRIPTION = "Xem hoặc đổi mã phòng của buổi học"
CORRECT_DESCRIPTION = "Sửa điểm danh (kèm lý do)"
REPORT_DESCRIPTION = "Báo cáo điểm danh của buổi học, của lớp"
REPORT_BUTTON = "📊 Báo cáo điểm danh"
SHEET_DESCRIPTION = "Xuất bảng điểm danh cả khóa của lớp (Excel)"

# --- the staff CLI (sll diem-danh …) ------------------------------------------------------
CLI_SHEET_WRITTEN = "Đã ghi bảng điểm danh lớp {code} vào {path}"
CLI_ROOM_CODE = "Mã phòng buổi {number} lớp {code} ({when}): [bold]{room_code}[/bold]"
CLI_ROOM_CODE_WHEN = "{when}, điểm danh {opens} – {closes}"
CLI_ALREADY_CLOSED = "Buổi {number} lớp {code} đã khóa sổ từ trước (hoặc đã hoãn)."
CLI_CLOSED = (
    "Đã khóa sổ buổi {number} lớp {code}: {absent} học viên chưa điểm danh "
    "được ghi vắng; {alerts} thông báo gửi lãnh đạo đơn vị."
)
CLI_VENUE_SET = "Đã ghi vị trí nơi học cho {count} buổi của lớp {code}."
NO_SUCH_NUMBER = "Lớp {code} không có buổi {number}."

# --- refusals (usecases.attendance.AttendanceReason), worded by texts.refusals.say ------------
# Details: {session} a session's line, {opens} a day and time, {closes} a time of day.
REASON_NEEDED = "Vui lòng gõ lý do sửa điểm danh."
BAD_LOCATION = "Vĩ độ/kinh độ không hợp lệ."
REFUSALS = {
    "attendance.session_not_found": SESSION_NOT_FOUND,
    "attendance.learner_not_found": SESSION_NOT_FOUND,
    "attendance.denied": NOT_MONITOR,
    "attendance.not_enrolled": NOT_ENROLLED,
    "attendance.not_enrolled_any": NOT_ENROLLED_ANY,
    "attendance.no_session": NO_SESSION,
    "attendance.cancelled": SESSION_CANCELLED,
    "attendance.too_early": TOO_EARLY,
    "attendance.too_late": TOO_LATE,
    "attendance.code_needed": ASK_CODE,
    "attendance.wrong_code": WRONG_CODE,
    "attendance.too_many_tries": TOO_MANY_TRIES,
    "attendance.outside_radius": f"{OUTSIDE_RADIUS} {SEND_LOCATION_AGAIN}",
    "attendance.need_location": NEED_LOCATION,
    "attendance.marking_not_open": MARKING_NOT_OPEN,
    "attendance.marking_closed": MARKING_CLOSED,
    "attendance.not_in_class": LEARNER_NOT_IN_CLASS,
    "attendance.reason_needed": REASON_NEEDED,
    "attendance.bad_location": BAD_LOCATION,
    "attendance.no_such_number": NO_SUCH_NUMBER,
}
