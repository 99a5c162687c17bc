"""Texts of the two-way loop with home units (issue 18): "✅ Đã nhận" on what leaders
receive, the staff's list of units that have not acknowledged, and the one reminder."""

from usecases.units.reasons import UnitReason

# --- the leader's acknowledgment -----------------------------------------------------------
ACK_BUTTON = "✅ Đã nhận"
ACK_RESULTS_DONE = (
    "✅ Cảm ơn đồng chí. Trung tâm đã ghi nhận đơn vị đã nhận kết quả học tập lớp {code} – {name}."
)
ACK_ABSENCE_DONE = (
    "✅ Cảm ơn đồng chí. Trung tâm đã ghi nhận đơn vị đã nhận báo vắng buổi học {when} lớp {code}."
)
ACK_ALREADY = "Đồng chí đã xác nhận lúc {at}. Cảm ơn đồng chí."
ACK_TOAST = "Đã ghi nhận"

# --- the one reminder ------------------------------------------------------------------------
REMINDER = (
    "🔔 Ngày {date}, {centre} đã gửi đồng chí kết quả học tập lớp {code} – {name} "
    "của học viên {units}.\nĐơn vị chưa xác nhận đã nhận. Xin đồng chí xác nhận giúp."
)
UNIT_JOIN = ", "

# --- staff: who has not acknowledged ---------------------------------------------------------
STATUS_DESCRIPTION = "Đơn vị chưa xác nhận đã nhận kết quả"
STATUS_HEADER = "📨 Đơn vị nhận kết quả lớp {code} – {name}"
STATUS_PUBLISHED = "Công bố lúc {when}."
STATUS_COUNTS = "Đã xác nhận: {acked}/{total} đơn vị."
STATUS_NOT_ACKED = "\nChưa xác nhận:"
STATUS_NOT_ACKED_LINE = "• {unit} — {leaders}"
STATUS_ALL_ACKED = "Tất cả đơn vị đã xác nhận."
STATUS_ACKED = "\nĐã xác nhận:"
STATUS_ACKED_LINE = "• {unit} — {leader}, lúc {when}"
STATUS_NO_LEADER = "\nChưa có lãnh đạo đơn vị để nhận: {units}."
NAME_JOIN = ", "
OVERVIEW_HEADER = "📨 Xác nhận đã nhận kết quả, theo lớp:"
OVERVIEW_LINE = "• {code}: {unacked}/{total} đơn vị chưa xác nhận"
OVERVIEW_EMPTY = "Chưa có lớp nào công bố kết quả."
OVERVIEW_HINT = "Chọn một lớp để xem đơn vị nào chưa xác nhận."

# --- the export (xlsx) -----------------------------------------------------------------------
SHEET = "Xác nhận"
SHEET_TITLE = "ĐƠN VỊ XÁC NHẬN ĐÃ NHẬN KẾT QUẢ LỚP {code}"
SHEET_SUBTITLE = "{name}; công bố lúc {when}"
SHEET_HEADER = ("TT", "Đơn vị", "Lãnh đạo đơn vị", "Đã nhận", "Người xác nhận", "Lúc")
SHEET_YES = "Đã nhận"
SHEET_NO = "Chưa xác nhận"
SHEET_NO_LEADER = "Chưa có lãnh đạo"
SHEET_CAPTION = "📎 Bảng xác nhận của các đơn vị, lớp {code}"
SHEET_FILE = "xac-nhan-{code}.xlsx"

# --- CLI ---------------------------------------------------------------------------------------
CLI_SAVED = "Đã lưu bảng xác nhận vào {path}."

REFUSALS = {
    UnitReason.NOT_YOURS.value: "Không tìm thấy tin này trong các tin đã gửi đồng chí.",
    UnitReason.CLASS_NOT_FOUND.value: "Không có lớp mã {code}.",
    UnitReason.NOT_PUBLISHED.value: "Lớp {code} chưa công bố kết quả, chưa có gì để đơn vị nhận.",
    UnitReason.STAFF_ONLY.value: "Chỉ cán bộ trung tâm mới xem được việc này.",
}
