"""Texts of lecturers (issue 17): their schedule, notices, ratings and observations."""

# --- import and CLI ---------------------------------------------------------------------------
NO_LECTURERS_YET = (
    "Lịch có {count} tên giảng viên nhưng trung tâm chưa có danh sách giảng viên "
    "(sll giang-vien nhap TỆP hoặc sll giang-vien them), nên chưa ai được báo lịch."
)
ROW_UNKNOWN = "Dòng {row}: giảng viên «{name}» chưa có trong danh sách giảng viên."
ROW_AMBIGUOUS = (
    "Dòng {row}: có {count} giảng viên cùng tên «{name}»; hãy ghi rõ hơn trong lịch "
    "hoặc sửa danh sách giảng viên."
)

# --- chat: menu and schedule ------------------------------------------------------------------
SCHEDULE_DESCRIPTION = "Lịch giảng của giảng viên"
SCHEDULE_BUTTON = "🎓 Lịch giảng"
RATINGS_DESCRIPTION = "Ý kiến học viên về các buổi giảng của tôi"
RATINGS_BUTTON = "⭐ Ý kiến học viên"
NO_SESSIONS = "Đồng chí chưa có buổi giảng nào sắp tới."
SCHEDULE_HEADER = "🎓 Lịch giảng của đồng chí {name}"
SESSION_LINE = "• {when} – {end}, lớp {klass} ({size} học viên)\n   {topic}\n   📍 {place}"
SESSION_CANCELLED_LINE = "• {when}, lớp {klass}: ❌ ĐÃ HOÃN\n   {topic}"
TOPIC_UNKNOWN = "(chưa có chuyên đề)"
PLACE_UNKNOWN = "(chưa có địa điểm)"
LINKED_LECTURER = (
    "Xin chào đồng chí {name}! Tài khoản đã được liên kết.\n"
    "Tôi sẽ gửi lịch giảng, nhắc giờ giảng và báo ngay khi buổi giảng đổi giờ hay bị hoãn."
)

# --- notices to a lecturer --------------------------------------------------------------------
ANNOUNCE = "📋 Lớp {klass} ({size} học viên): đồng chí được phân công giảng {count} buổi:\n{lines}"
ANNOUNCE_LINE = "• {when} – {end}: {topic}\n   📍 {place}"
MOVED = (
    "⚠️ Buổi giảng đã ĐỔI, lớp {klass}:\n{topic}\n"
    "Trước: {old_when}, {old_place}\nNay: {when} – {end}, 📍 {place}"
)
CANCELLED = "❌ Buổi giảng đã HOÃN, lớp {klass}:\n{when}\n{topic}"
RESTORED = "✅ Buổi giảng được học lại, lớp {klass}:\n{when} – {end}\n{topic}\n📍 {place}"
AWAY = (
    "ℹ️ Buổi giảng lớp {klass} lúc {when} ({topic}) đã được phân công cho giảng viên khác. "
    "Đồng chí không phải giảng buổi này."
)
TO_YOU = (
    "📋 Đồng chí được phân công giảng thay, lớp {klass} ({size} học viên):\n"
    "{when} – {end}\n{topic}\n📍 {place}"
)
REMINDER_EVENING = (
    "🔔 Ngày mai đồng chí có buổi giảng, lớp {klass}:\n{when} – {end}\n{topic}\n📍 {place}"
)
REMINDER_BEFORE = "🔔 Sắp đến giờ giảng, lớp {klass}:\n{when} – {end}\n{topic}\n📍 {place}"

# --- after a session --------------------------------------------------------------------------
SUMMARY = (
    "📊 Buổi giảng {when}, lớp {klass}:\n"
    "Có mặt {present}, đi muộn {late}, vắng có phép {excused}, vắng {absent}."
)
SUMMARY_QUESTIONS = "\nCâu hỏi của học viên về buổi này ({count}):\n{lines}"
SUMMARY_NO_QUESTIONS = "\nHọc viên chưa gửi câu hỏi nào về buổi này."
DIGEST = "⭐ Ý kiến học viên về buổi giảng {when}, lớp {klass}:\n{figures}"
FIGURES = "Điểm trung bình {average}/5 ({count} ý kiến)."
FIGURES_FEW = "{count} ý kiến: chưa đủ {min} ý kiến nên không hiện điểm để giữ kín người trả lời."
FIGURES_NONE = "Chưa có ý kiến nào."
COMMENTS = "\nGóp ý:\n{lines}"
NO_RATED_SESSIONS = "Chưa có buổi giảng nào được học viên đánh giá."
MY_RATINGS_HEADER = "⭐ Ý kiến học viên về các buổi giảng của đồng chí (đến hết hôm qua):"
MY_RATINGS_LINE = "• {when}, lớp {klass}: {figures}"

STATS_HEADER = "⭐ Ý kiến học viên về buổi giảng, {period}:"
STATS_BY_LECTURER = "Theo giảng viên:"
STATS_BY_TOPIC = "Theo chuyên đề:"
STATS_LINE = "• {label}: {average}/5 ({count} ý kiến, {sessions} buổi)"
STATS_XLSX_CAPTION = "Ý kiến học viên về buổi giảng, {period} (theo giảng viên, chuyên đề, góp ý)"
STATS_MORE = "… và {count} dòng nữa trong tệp Excel."

# --- learners' ratings ------------------------------------------------------------------------
RATE_ASK = (
    "⭐ Buổi học {when} của lớp {klass} ({topic}) vừa kết thúc.\n"
    "Bạn chấm buổi học này mấy điểm (1 = chưa tốt, 5 = rất tốt)? "
    "Ý kiến của bạn được giữ kín, giảng viên chỉ xem điểm trung bình."
)
RATE_ASK_NUMBERS = "\nGõ số từ 1 đến 5."
RATE_THANKS = (
    "Cảm ơn bạn! Bạn đã chấm {score}/5. Bạn có thể đổi điểm trong 1 ngày.\n"
    "Nếu muốn góp ý thêm, hãy gõ ý kiến ngay bây giờ (không bắt buộc)."
)
COMMENT_THANKS = "Cảm ơn bạn đã góp ý. Ý kiến được gửi đến giảng viên, không kèm tên bạn."
RATE_COMMAND_HELP = "Hãy chọn điểm từ 1 đến 5 trong tin nhắn hỏi ý kiến."

# --- observation (dự giờ) ---------------------------------------------------------------------
OBSERVE_DESCRIPTION = "Đăng ký dự giờ một buổi giảng"
OBSERVE_LIST_HEADER = "Chọn buổi giảng muốn dự giờ:"
OBSERVE_NONE = "Chưa có buổi giảng nào sắp tới để dự giờ."
OBSERVE_REGISTERED = (
    "Đã đăng ký dự giờ buổi {when}, lớp {klass} ({lecturer}).\n"
    "Sau buổi giảng, gõ /nhanxet {session} để gửi nhận xét."
)
OBSERVE_ASK = (
    "Gửi nhận xét dự giờ. Gõ theo mẫu, mỗi ý một dòng:\n"
    "Điểm: 1 đến 5\nƯu điểm: …\nCần rút kinh nghiệm: …"
)
REPORT_DESCRIPTION = "Gửi nhận xét dự giờ: /nhanxet số-buổi"
OBSERVE_FILED = "Đã gửi nhận xét dự giờ đến giảng viên {lecturer}. Cảm ơn đồng chí."
OBSERVE_TO_LECTURER = (
    "📝 Nhận xét dự giờ buổi {when}, lớp {klass} (người dự giờ: {observer}):\n"
    "Điểm: {score}/5\nƯu điểm: {strengths}\nCần rút kinh nghiệm: {improve}"
)
OBSERVE_BAD_FORM = (
    "Chưa đọc được điểm (1 đến 5). Gõ lại theo mẫu:\nĐiểm: 4\nƯu điểm: …\nCần rút kinh nghiệm: …"
)
NOTHING = "(không ghi)"
OBSERVER_CENTRE = "cán bộ trung tâm"
NOT_OBSERVED_DESCRIPTION = "Giảng viên chưa được dự giờ năm nay"
NOT_OBSERVED_HEADER = "Giảng viên chưa được dự giờ năm {year} ({count}):"
ALL_OBSERVED = "Mọi giảng viên đã được dự giờ năm {year}."

REFUSALS = {
    "lecturers.not_found": "Không tìm thấy giảng viên «{who}».",
    "lecturers.ambiguous": "Có {count} giảng viên khớp «{who}»; hãy ghi số điện thoại.",
    "lecturers.no_name": "Chưa có họ và tên giảng viên.",
    "lecturers.session_not_found": "Không tìm thấy buổi học số {session}.",
    "lecturers.not_yours": "Đồng chí chỉ xem được số liệu các buổi giảng của mình.",
    "lecturers.bad_score": "Điểm phải là một số từ 1 đến 5.",
    "lecturers.not_present": "Chỉ học viên có mặt ở buổi học mới chấm điểm buổi học đó.",
    "lecturers.not_closed": "Buổi học chưa kết thúc, chưa chấm điểm được.",
    "lecturers.rating_closed": "Đã hết thời gian chấm điểm buổi học này (1 ngày sau buổi học).",
    "lecturers.not_rated": "Bạn hãy chấm điểm buổi học trước, rồi gửi góp ý.",
    "lecturers.not_registered": "Đồng chí chưa đăng ký dự giờ buổi này (/dugio).",
    "lecturers.own_session": "Không dự giờ buổi giảng của chính mình.",
    "lecturers.bad_period": (
        "Kỳ «{period}» không đúng; ghi 03/2024 (tháng), Q1/2024 (quý) hoặc 2024."
    ),
}

# The command line (sll giang-vien …).
CLI_ADDED = "Đã thêm giảng viên {name}."
CLI_NONE_YET = "Chưa có giảng viên nào. Thêm bằng: sll giang-vien them --ten … --sdt …"
CLI_ALL_LINKED = "Mọi giảng viên đã liên kết tài khoản, không cần mã mời."
CLI_RATINGS_WRITTEN = "Đã ghi ý kiến học viên {period} vào {path}"
CLI_NO_RATINGS = "Chưa có ý kiến nào trong {period}."
CLI_SCORE_RANGE = "--diem phải từ 1 đến 5."
CLI_OBSERVATION_FILED = "Đã ghi nhận xét dự giờ và gửi đến giảng viên {name}."
SCHEDULE_UNMATCHED = "Giảng viên trong lịch chưa khớp danh sách (chưa được báo lịch):"
