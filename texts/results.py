"""Texts of results: import report, preview, publishing, each learner's notice, each unit's
summary, and /ketqua."""

# --- import and entry (staff) ----------------------------------------------------------------
ROW_UNMATCHED = (
    "Dòng {row}: không tìm thấy học viên «{name}»{birth} trong lớp {code} "
    "(đối chiếu theo họ tên và ngày sinh, hoặc số điện thoại)."
)
ROW_AMBIGUOUS = (
    "Dòng {row}: «{name}»{birth} trùng với {count} học viên trong lớp {code}; "
    "vui lòng thêm số điện thoại để phân biệt."
)
ROW_NO_KEY = (
    "Dòng {row}: «{name}» thiếu cả ngày sinh lẫn số điện thoại nên không xác định được học viên."
)
ROW_SAME_LEARNER = "Dòng {row}: cùng một học viên với dòng {first} ({name})."
BIRTH_SUFFIX = " (sinh {date})"
ALREADY_PUBLISHED = (
    "Kết quả lớp {code} đã được công bố lúc {when}; không thể công bố lại hay sửa điểm nữa."
)
NOTHING_TO_PUBLISH = "Lớp {code} chưa có kết quả nào để công bố."
LEARNER_NOT_IN_CLASS = "Học viên số {number} không có trong danh sách lớp {code}."
NOT_IN_GROUPS = "Kết quả học tập là thông tin riêng; vui lòng nhắn riêng cho tôi để xem."
NOT_STAFF_OF_CLASS = "Bạn không phải cán bộ của trung tâm quản lý lớp {code}."
ENTRY_BAD = (
    "Chưa hiểu kết quả cần nhập. Cách gõ: /nhapdiem <mã lớp> <số TT> <điểm> [điểm…] "
    "[xếp loại] [; nhận xét]\nVí dụ: /nhapdiem SC-K4 12 8,5 9 ; Tích cực phát biểu"
)
ENTRY_BAD_SCORE = "«{value}»: {why}"
ENTRY_SAVED = "✅ Đã lưu kết quả của {name} (lớp {code}):\n{result}"
ENTRY_DEFAULT_COLUMN = "Điểm"

# --- preview (staff) ------------------------------------------------------------------------
PREVIEW_HEADER = "🔎 Xem trước kết quả lớp {name} ({code})"
PREVIEW_COUNTS = "Có kết quả: {with_result}/{enrolled} học viên. Xếp loại: {grades}."
PREVIEW_GRADE_COUNT = "{grade} {count}"
PREVIEW_MISSING = "⚠️ Chưa có kết quả: {names}"
PREVIEW_LINE = "{number}. {name} — {scores} — {grade}"
PREVIEW_MORE = "… và {count} học viên khác."
PREVIEW_PUBLISHED = "✅ Đã công bố lúc {when}."
PREVIEW_NOT_PUBLISHED = (
    "Chưa công bố. Khi bấm «Công bố», mỗi học viên nhận kết quả của mình và lãnh đạo mỗi đơn vị "
    "nhận bảng tổng hợp của đơn vị mình. Việc này chỉ làm một lần."
)
PUBLISH_BUTTON = "📢 Công bố"
CONFIRM_PUBLISH_HEADER = "📢 Công bố kết quả lớp {name} ({code})?"
CONFIRM_PUBLISH_SAMPLE = "Ví dụ một học viên sẽ nhận được:"
SEE_ALL_BUTTON = "🔎 Xem toàn bộ kết quả"
PUBLISHED = (
    "📢 Đã công bố kết quả lớp {code}: {learners} thông báo cho học viên, "
    "{leaders} bảng tổng hợp cho lãnh đạo đơn vị."
)
UNITS_WITHOUT_LEADER = "⚠️ Đơn vị chưa có lãnh đạo nhận kết quả: {units}"
STAFF_PICK_CLASS = "Chọn lớp để xem trước và công bố kết quả:"
STAFF_NO_CLASSES = "Chưa có lớp nào có kết quả. Nhập kết quả bằng lệnh: sll ket-qua nhap LOP TỆP"
CLASS_BUTTON = "{mark} {code}"
MARK_PUBLISHED = "✅"
MARK_DRAFT = "📝"

# --- the learner's own result ---------------------------------------------------------------
LEARNER_HEADER = "🏅 Kết quả học tập lớp {name}"
LEARNER_NAME = "Học viên: {name}"
SCORE_LINE = "• {label}: {score}"
GRADE_LINE = "Xếp loại: {grade}"
ATTENDANCE_LINE = "Chuyên cần: {rate} ({attended}/{held} buổi)"
ATTENDANCE_NONE = "Chuyên cần: chưa có số liệu điểm danh"
REMARK_LINE = "Nhận xét: {remark}"
NO_GRADE = "chưa xếp loại"
NO_SCORES = "chưa có điểm"
NO_RESULTS_LEARNER = "Chưa có kết quả nào được công bố cho bạn."

# --- the unit leader's summary --------------------------------------------------------------
UNIT_HEADER = "📋 Kết quả học tập của học viên {units}\nLớp: {name} ({code})"
UNIT_LINE = "{number}. {name}: {scores} — {grade} — CC {rate}"
UNIT_RATE_NONE = "—"
UNIT_FILE_CAPTION = (
    "📎 Bảng Excel kết quả lớp {code}: đầy đủ điểm, xếp loại, chuyên cần và nhận xét."
)
UNIT_FILE = "ket-qua-{code}-{unit}.xlsx"
CLASS_FILE = "ket-qua-{code}.xlsx"
CLASS_TITLE = "KẾT QUẢ HỌC TẬP LỚP {name} ({code})"
UNIT_SHEET = "Kết quả"
UNIT_TITLE = "KẾT QUẢ HỌC TẬP CỦA HỌC VIÊN {units}"
UNIT_SUBTITLE = "Lớp: {name} ({code}), {dates}"
UNIT_COL_NUMBER = "TT"
UNIT_COL_NAME = "Họ và tên"
UNIT_COL_BIRTH = "Ngày sinh"
UNIT_COL_UNIT = "Đơn vị"
UNIT_COL_GRADE = "Xếp loại"
UNIT_COL_ATTENDANCE = "Chuyên cần"
UNIT_COL_REMARK = "Nhận xét"
UNIT_NONE = "Chưa có kết quả nào được công bố cho học viên của đơn vị bạn."
UNIT_JOIN = ", "
DATES = "từ {start} đến {end}"

# --- /ketqua --------------------------------------------------------------------------------
BUTTON = "🏅 Kết quả"
DESCRIPTION = "Xem kết quả học tập"
ENTRY_DESCRIPTION = "Nhập điểm cho một học viên (cán bộ)"

# Refusals, keyed by the values of `usecases.results.ResultsReason` (all checked in tests).
REFUSALS = {
    "results.not_staff": NOT_STAFF_OF_CLASS,
    "results.in_group": NOT_IN_GROUPS,
    "results.already_published": ALREADY_PUBLISHED,
    "results.nothing_to_publish": NOTHING_TO_PUBLISH,
    "results.entry_bad": ENTRY_BAD,
    "results.entry_bad_score": ENTRY_BAD_SCORE,
    "results.not_in_class": LEARNER_NOT_IN_CLASS,
}

# --- sll ket-qua (the staff command line; Rich markup) ------------------------------------
CLI_REFUSED_HEADER = "[red]Không thực hiện được, chưa có gì thay đổi:[/red]"
CLI_REFUSED_LINE = "  • {line}"
CLI_IMPORTED = "Đã nhập kết quả của {rows} học viên lớp {code}: {created} mới, {updated} cập nhật."
CLI_GRADED_BY_SCALE = "{count} học viên được xếp loại theo thang điểm của trung tâm."
CLI_MISSING_COUNT = "[yellow]{count} học viên chưa có kết quả:[/yellow] "
CLI_NEXT_STEPS = "Xem trước: sll ket-qua xem {code} · Công bố: sll ket-qua cong-bo {code}"
CLI_TABLE_TITLE = "Kết quả lớp {code}: {name}"
CLI_COLUMNS_BEFORE = ("TT", "Họ và tên", "Đơn vị")
CLI_COLUMNS_AFTER = ("Xếp loại", "Chuyên cần", "Nhận xét")
CLI_RATE = "{attended}/{held}"
CLI_GRADE_COUNT = "{grade}: {count}"
CLI_COUNTS = "Có kết quả: {with_result}/{enrolled} học viên. {grades}"
CLI_MISSING = "[yellow]Chưa có kết quả:[/yellow] "
CLI_PUBLISHED_AT = "Đã công bố lúc {when}."
CLI_ALREADY_PUBLISHED = "[red]Kết quả lớp {code} đã được công bố rồi.[/red]"
CLI_CONFIRM_PUBLISH = "Công bố kết quả lớp {code} cho {count} học viên và đơn vị của họ?"
CLI_NOT_PUBLISHED = "Chưa công bố."
CLI_PUBLISHED = (
    "Đã công bố: {learners} thông báo cho học viên, "
    "{leaders} bảng tổng hợp cho lãnh đạo đơn vị (gửi qua hàng đợi tin nhắn)."
)
CLI_UNITS_WITHOUT_LEADER = "[yellow]Đơn vị chưa có lãnh đạo nhận kết quả:[/yellow] "
CLI_EXPORTED = "Đã ghi kết quả của {with_result}/{enrolled} học viên lớp {code} vào {path}"
CLI_NOTHING_TO_EXPORT = "[red]Lớp {code} chưa có kết quả nào để xuất.[/red]"
