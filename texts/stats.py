"""Texts of the statistics (/thongke, `sll thong-ke`, the reports at each period's end)."""

PERIOD_MONTH = "tháng {number}/{year}"
PERIOD_QUARTER = "quý {number}/{year}"
PERIOD_YEAR = "năm {year}"
PERIOD_BAD = (
    "Không hiểu kỳ thống kê «{value}». Ví dụ: tháng 3/2024, quý 1/2024, năm 2024 (gõ «{example}»)."
)

HEADER = "📊 Thống kê {period} — {centre}"
HEADER_RANGE = "(từ {start} đến {end})"
TOTAL = "• {classes} lớp với {places} lượt học viên ({learners} người)."
NO_CLASSES = "• Không có lớp nào trong kỳ này."
BY_TYPE_HEADER = "• Theo loại lớp:"
BY_TYPE_LINE = "   – {program_type}: {classes} lớp, {places} học viên"
ATTENDANCE = "• Chuyên cần: {rate} ({attended}/{expected} lượt có mặt)."
ATTENDANCE_NONE = "• Chuyên cần: chưa có số liệu điểm danh."
GRADES = "• Xếp loại ({count} học viên có kết quả): {grades}."
GRADES_NONE = "• Xếp loại: chưa có kết quả nào được công bố."
GRADE_COUNT = "{grade} {count} ({share})"
SURVEY_HEADER = "• Đánh giá sau đào tạo của đơn vị ({units} ý kiến):"
SURVEY_LINE = "   – {question}: {average}/5"
BY_UNIT_HEADER = "• Theo đơn vị (nhiều học viên nhất):"
BY_UNIT_LINE = "   – {unit}: {places} học viên, chuyên cần {rate}"
RATE_NONE = "—"
NO_UNIT = "(chưa rõ đơn vị)"
FOOTER_FILES = "Bảng Excel và biểu đồ gửi ở các tin sau."

# Workbook
FILE = "thong-ke-{key}.xlsx"
CHART_FILE = "bieu-do-{key}.png"
CHART_CAPTION = "📈 Biểu đồ {period}"
XLSX_CAPTION = "📎 Bảng thống kê {period}"
SHEET_SUMMARY = "Tổng hợp"
SHEET_TYPES = "Theo loại lớp"
SHEET_CLASSES = "Theo lớp"
SHEET_UNITS = "Theo đơn vị"
SHEET_SURVEY = "Đánh giá sau đào tạo"
TITLE = "THỐNG KÊ {period} — {centre}"
COL_ITEM = "Chỉ tiêu"
COL_VALUE = "Số liệu"
ITEM_CLASSES = "Số lớp"
ITEM_PLACES = "Lượt học viên"
ITEM_LEARNERS = "Số người học"
ITEM_HELD = "Số buổi đã học"
ITEM_RATE = "Tỷ lệ chuyên cần"
ITEM_RESULTS = "Học viên có kết quả"
ITEM_GRADE = "Xếp loại {grade}"
COL_TYPE = "Loại lớp"
COL_CLASSES = "Số lớp"
COL_PLACES = "Học viên"
COL_CODE = "Mã lớp"
COL_NAME = "Tên lớp"
COL_START = "Bắt đầu"
COL_END = "Kết thúc"
COL_HELD = "Buổi đã học"
COL_RATE = "Chuyên cần"
COL_UNIT = "Đơn vị"
COL_QUESTION = "Câu hỏi"
COL_ANSWERS = "Số ý kiến"
COL_AVERAGE = "Điểm trung bình (1–5)"

# Chart
CHART_TITLE = "Thống kê {period} — {centre}"
CHART_ATTENDANCE = "Chuyên cần theo lớp (%)"
CHART_GRADES = "Xếp loại theo loại lớp (số học viên)"
CHART_EMPTY = "Chưa có số liệu"

# Chat
STAFF_ONLY = "Thống kê chỉ dành cho cán bộ của trung tâm."
BUTTON = "📊 Thống kê"
DESCRIPTION = "Thống kê theo tháng, quý, năm (cán bộ)"
PICK_PERIOD = "Chọn kỳ thống kê:"
THIS_MONTH = "Tháng này ({label})"
LAST_MONTH = "Tháng trước ({label})"
THIS_QUARTER = "Quý này ({label})"
THIS_YEAR = "Năm nay ({label})"
LAST_YEAR = "Năm trước ({label})"

# sll thong-ke (Rich markup)
CLI_ONE_PERIOD = "[red]Chọn đúng một kỳ:[/red] --thang 3/2024, --quy 1/2024 hoặc --nam 2024."
CLI_WROTE_WORKBOOK = "Đã ghi bảng thống kê: {path}"
CLI_WROTE_CHART = "Đã ghi biểu đồ: {path}"

# Refusals, keyed by the values of `usecases.stats.StatsReason` (a rule test checks all are here).
REFUSALS = {
    "stats.not_staff": STAFF_ONLY,
    "stats.bad_period": PERIOD_BAD,
}
