"""Texts of the provincial school's view across centres (/tinh, /tinh_thongbao, `sll tinh`)."""

# Chat text
HEADER = "🏛 Toàn tỉnh — thống kê {period}"
HEADER_RANGE = "(từ {start} đến {end}; {centres} trung tâm)"
CENTRE_LINE = "• {centre}: {classes} lớp, {places} lượt học viên, chuyên cần {rate}"
CENTRE_NONE = "• {centre}: không có lớp nào trong kỳ."
TOTAL = "• Cả tỉnh: {classes} lớp, {places} lượt học viên ({learners} người), chuyên cần {rate}"
TOTAL_ATTENDANCE = " ({attended}/{expected} lượt có mặt)."
NO_CLASSES = "• Không trung tâm nào có lớp trong kỳ này."
GRADES = "• Xếp loại ({count} học viên có kết quả): {grades}."
GRADES_NONE = "• Xếp loại: chưa có kết quả nào được công bố."
GRADE_COUNT = "{grade} {count} ({share})"
BY_TYPE_HEADER = "• Theo loại hình đào tạo:"
BY_TYPE_LINE = "   – {program_type}: {classes} lớp, {places} học viên, chuyên cần {rate}"
BY_TYPE_GRADES = "; {grades}"
SURVEY_HEADER = "• Đánh giá sau đào tạo ({answers} câu trả lời):"
SURVEY_LINE = "   – {question}: {average}/5"
RATE_NONE = "—"
FOOTER_FILE = "Bảng Excel (kèm biểu đồ) gửi ở tin sau."
XLSX_CAPTION = "📎 Bảng tổng hợp toàn tỉnh {period}"

# Workbook
FILE = "toan-tinh-{key}.xlsx"
TITLE = "TỔNG HỢP TOÀN TỈNH {period}"
SHEET_SUMMARY = "Tổng hợp"
SHEET_TYPES = "Theo loại hình"
SHEET_SURVEY = "Đánh giá"
TOTAL_ROW = "Cả tỉnh"
ALL_TYPES = "Tất cả"
COL_CENTRE = "Trung tâm"
COL_TYPE = "Loại hình đào tạo"
COL_CLASSES = "Số lớp"
COL_PLACES = "Lượt học viên"
COL_LEARNERS = "Số người học"
COL_ATTENDED = "Lượt có mặt"
COL_EXPECTED = "Lượt phải có mặt"
COL_RATE = "Chuyên cần"
COL_RESULTS = "Có kết quả"
COL_QUESTION = "Câu hỏi"
COL_ANSWERS = "Số câu trả lời"
COL_AVERAGE = "Điểm trung bình (1–5)"
CHART_PLACES = "Lượt học viên"
CHART_RATE = "Chuyên cần"

# Chat: the notice to every centre's staff
NOTICE = "📣 Thông báo từ {sender}:\n{text}"
ASK_NOTICE = "Đồng chí gửi nội dung thông báo cho cán bộ tất cả các trung tâm (gõ vào ô chat):"
NOTICE_DONE = "Đã xếp thông báo gửi {staff} cán bộ của {centres} trung tâm."
DESCRIPTION = "Thống kê toàn tỉnh theo tháng, quý, năm (Trường Chính trị tỉnh)"
NOTICE_DESCRIPTION = "Gửi thông báo cho cán bộ tất cả trung tâm (Trường Chính trị tỉnh)"
PICK_PERIOD = "Chọn kỳ thống kê toàn tỉnh:"

# sll tinh (Rich markup)
CLI_NO_PROVINCE = (
    "Chưa cấu hình Trường Chính trị tỉnh: thêm một trung tâm có province = true trong "
    "[[centres]] của tệp cấu hình, rồi khởi động lại bot hoặc chạy lại lệnh."
)
CLI_WROTE_WORKBOOK = "Đã ghi bảng tổng hợp: {path}"

# Refusals, keyed by the values of `usecases.province.ProvinceReason`.
REFUSALS = {
    "province.not_province": "Chức năng này chỉ dành cho cán bộ Trường Chính trị tỉnh.",
    "province.empty_text": "Nội dung thông báo đang trống, chưa gửi gì.",
}
