"""Texts of setting a class up: a roster's row errors, and the refusals (the wording of
`usecases.classes.ClassReason`)."""

ROW_PHONE_OF_OTHER = (
    "Dòng {row}: số điện thoại của «{name}» đang là số của «{other}» trong danh sách đã có. "
    "Vui lòng kiểm tra lại."
)
ROW_SAME_PERSON = (
    "Dòng {row}: «{name}» là cùng một người với dòng {first} (trùng số điện thoại hoặc họ tên "
    "và ngày sinh); mỗi người chỉ ghi một dòng."
)
AMBIGUOUS_LINE = "\n  • TT {number}: {name}"
AMBIGUOUS_BORN = ", sinh {born:%d/%m/%Y}"

REFUSALS = {
    "classes.not_found": "Không tìm thấy lớp có mã «{code}».",
    "classes.missing_fields": "Chưa có {fields}: lớp cần đủ mã, tên và loại.",
    "classes.exists": "Đã có lớp mã «{code}»: {name}.",
    "classes.learner_not_found": "Không tìm thấy học viên «{who}» trong lớp.",
    "classes.ambiguous_learner": (
        "Có {count} học viên khớp «{who}»; hãy chọn theo số thứ tự (TT):{lines}"
    ),
    "classes.not_staff": "Việc này chỉ dành cho cán bộ của trung tâm.",
}

# --- the staff command line (`sll lop …`) -----------------------------------------------------
CREATED = "Đã tạo lớp [bold]{code}[/bold]: {name}"
ROSTER_IMPORTED = (
    "Đã nhập {rows} học viên vào lớp {code}: "
    "{created} mới, {updated} cập nhật, {unchanged} không đổi."
)
ROSTER_KNOWN = (
    "{enrolled} học viên được ghi danh vào lớp, trong đó {known} người đã có "
    "trong hệ thống (từ lớp trước)."
)
ROSTER_PHONES = "Đã cập nhật số điện thoại mới của {count} học viên: {names}"
ROSTER_NOT_IN_FILE = (
    "[yellow]{count} học viên đã có trong lớp nhưng không có trong "
    "tệp (vẫn giữ trong lớp):[/yellow] {names}"
)
SHIFT_WEEKEND = (
    "[yellow]Dời lịch để bắt đầu ngày {date} làm {count} buổi rơi vào cuối tuần:[/yellow]"
)
SHIFT_WEEKEND_LINE = "  • Buổi {number}: {old} → {new}"
SHIFT_ASK = "Vẫn nhập lịch này?"
SHIFT_NOT_IMPORTED = "Chưa nhập lịch. Chọn ngày bắt đầu khác với --bat-dau."
SCHEDULE_IMPORTED = (
    "Đã nhập {rows} buổi học cho lớp {code}: "
    "{created} mới, {updated} cập nhật, {unchanged} không đổi."
)
CLASSES_HEADER = ("Mã lớp", "Tên lớp", "Loại", "Từ ngày", "Đến ngày", "Học viên", "Buổi")
NO_CLASSES = "Chưa có lớp nào."
SESSIONS_HEADER = ("Buổi", "Thời gian", "Đến", "Chuyên đề", "Giảng viên", "Địa điểm", "Trạng thái")
SESSION_CANCELLED = "Đã hoãn"
NO_SESSIONS = "Lớp chưa có lịch học."
LEARNERS_HEADER = ("TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Điện thoại", "Liên kết", "")
NOT_LINKED = "chưa"
MONITOR = "lớp trưởng"
NO_LEARNERS = "Lớp chưa có học viên."
MONITOR_SET = "{name} là lớp trưởng lớp {code}."
MONITOR_UNSET = "{name} không còn là lớp trưởng lớp {code}."
ROLE_NAMES = {"learner": "học viên", "leader": "lãnh đạo đơn vị"}
INVITES_SHEET = "Mã mời"
INVITES_TITLE = "MÃ MỜI LỚP {code}"
INVITES_FILE_HEADER = ("Họ và tên", "Vai trò", "Mã mời", "Đường liên kết")
INVITES_WRITTEN = "Đã ghi {count} mã mời vào {path}"
INVITES_HEADER = ("Họ và tên", "Vai trò", "Mã mời", "Đường liên kết (Telegram)")
NO_INVITES = "Mọi người đã liên kết tài khoản, không cần mã mời."
NO_BOT_USERNAME = "[yellow]Đặt telegram.bot_username trong config.toml để in đường liên kết."
LEADER_ADDED = "Đã thêm {name} là lãnh đạo đơn vị «{unit}»."
