"""Texts of the notices the bot sends on its own (announcement, reminders, changes, broadcasts)
and of the staff delivery view."""

# --- announcement ---------------------------------------------------------------------------
ANNOUNCE_LEARNER = (
    "📢 THÔNG BÁO TRIỆU TẬP LỚP HỌC\n"
    "Lớp: {name}\n"
    "Khai giảng: {first}\n"
    "📍 Địa điểm: {place}\n"
    "{bring}"
    "\n📅 Lịch học:\n{schedule}\n\n"
    "Bạn gõ /lichhoc để xem lịch bất cứ lúc nào. Chúc bạn học tập tốt!"
)
ANNOUNCE_LEADER = (
    "📢 THÔNG BÁO GỬI ĐƠN VỊ\n"
    "Lớp {name} khai giảng {first} tại {place}.\n"
    "Đơn vị {unit} có {count} học viên tham gia:\n{learners}\n\n"
    "📅 Lịch học:\n{schedule}"
)
BRING = "🎒 Cần mang theo: {what}\n"
SCHEDULE_LINE = "• Buổi {number}: {when}–{end} – {topic}"
SCHEDULE_LINE_NO_NUMBER = "• {when}–{end} – {topic}"
LEARNER_LINE = "{number}. {name}"
PLACE_UNKNOWN = "(sẽ báo sau)"
TOPIC_UNKNOWN = "(chưa có chuyên đề)"

# --- reminders ------------------------------------------------------------------------------
# The first line says how far off the session is; it is written again when the reminder is
# sent (a reminder sent late must not say "Còn 60 phút" ten minutes before class).
REMINDER_HEAD_TOMORROW = "⏰ Nhắc lịch: ngày mai bạn có buổi học lớp {name}."
REMINDER_HEAD_ON_DATE = "⏰ Nhắc lịch: ngày {date} bạn có buổi học lớp {name}."
REMINDER_HEAD_TODAY = "⏰ Nhắc lịch: hôm nay bạn có buổi học lớp {name}, lúc {time}."
REMINDER_HEAD_MINUTES = "⏰ Còn {minutes} phút nữa đến giờ học lớp {name}."
REMINDER_BODY = "{head}\n{session}: {when}\nChuyên đề: {topic}\n📍 {place}"
SESSION_LABEL = "Buổi {number}"
SESSION_LABEL_NO_NUMBER = "Buổi học"

# --- changes --------------------------------------------------------------------------------
MOVED = (
    "🔔 THAY ĐỔI LỊCH HỌC lớp {name}\n"
    "{session} đã chuyển từ {old} sang {new}.\n"
    "📍 {place}\n"
    "Bạn vui lòng sắp xếp thời gian. Gõ /lichhoc để xem lịch mới."
)
CANCELLED = (
    "🔔 THAY ĐỔI LỊCH HỌC lớp {name}\n"
    "{session} ({when}) được hoãn.{reason}\n"
    "Trung tâm sẽ báo lịch học bù sau."
)
CANCEL_REASON = "\nLý do: {reason}"

# --- broadcast ------------------------------------------------------------------------------
BROADCAST = "📣 Tin từ {centre}:\n{text}"

# --- merging --------------------------------------------------------------------------------
MERGE_SEPARATOR = "\n\n— — —\n\n"

# --- staff alerts ---------------------------------------------------------------------------
STAFF_UNREACHABLE = (
    "⚠️ Không gửi được tin cho {name} qua {channel}: {reason}.\n"
    "Các tin sau sẽ không gửi qua tài khoản này cho đến khi người đó nhắn lại cho bot."
)
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
STAFF_FILE_FAILED = (
    "⚠️ Lớp {code}: không gửi được tệp của «{kind}» cho {name}: {reason}.\n"
    "Phần nội dung bằng chữ được gửi riêng, không phụ thuộc vào tệp. "
    "Xem tình hình gửi: /guitin {code}"
)

# Why a notice could not be delivered, for staff; keys are the reason codes of the outbox.
REASONS = {
    "blocked": "đã chặn bot",
    "not_found": "tài khoản chat không còn tồn tại",
    "not_started": "chưa bấm Bắt đầu (Start) với bot",
    "not_linked": "chưa liên kết tài khoản chat",
    "gave_up": "lỗi mạng kéo dài, đã thử nhiều lần",
    "rejected": "nền tảng chat từ chối tin",
    "file_rejected": "nền tảng chat từ chối tệp (tệp quá lớn hoặc không đúng định dạng)",
}
REASON_OTHER = "lỗi khác"

# --- staff delivery view --------------------------------------------------------------------
KIND_NAMES = {
    "announcement": "Thông báo lớp",
    "reminder": "Nhắc lịch",
    "change": "Thay đổi lịch",
    "broadcast": "Tin nhắn chung",
    "staff_alert": "Cảnh báo cán bộ",
    "result": "Kết quả học tập gửi học viên",
    "unit_results": "Bảng tổng hợp kết quả gửi đơn vị",
    "unit_results_file": "Tệp Excel kết quả gửi đơn vị",
    "absence_alert": "Báo vắng gửi đơn vị",
    "leave_request": "Đơn xin nghỉ gửi cán bộ",
    "leave_decision": "Trả lời đơn xin nghỉ",
    "question.new": "Câu hỏi mới gửi cán bộ",
    "question.answer": "Trả lời câu hỏi",
    "question.in_class": "Câu hỏi được trả lời trên lớp",
    "question.closed": "Câu hỏi đã đóng",
    "question.shared": "Câu hỏi chia sẻ với lớp",
    "question.digest": "Tổng hợp câu hỏi",
    "stats": "Báo cáo thống kê",
    "survey": "Phiếu đánh giá",
    # issue 18: home units both ways
    "unit_ack_reminder": "Nhắc đơn vị xác nhận đã nhận kết quả",
    "nomination_reminder": "Nhắc đơn vị xác nhận học viên cử đi",
    "attendance_rule": "Cảnh báo chuyên cần",
    "conduct_violation": "Báo vi phạm gửi đơn vị",
    "unit_reply": "Phản hồi của đơn vị gửi cán bộ",
    "unit_reply_answer": "Trả lời phản hồi của đơn vị",
    "parent_results": "Tổng hợp kết quả gửi đơn vị cấp trên",
    "parent_results_file": "Tệp Excel kết quả gửi đơn vị cấp trên",
}
KIND_OTHER = "Tin khác"
VIEW_HEADER = "📬 Tình hình gửi tin lớp {code} – {name}"
VIEW_TOTALS = (
    "Tổng cộng {total} tin: đã gửi {sent}, chờ gửi {pending}, lỗi {failed}, "
    "hết hạn {expired}, đã hủy {cancelled}."
)
VIEW_KINDS_HEADER = "\nTheo loại tin:"
VIEW_KIND = "• {kind}: đã gửi {sent}, chờ gửi {pending}, lỗi {failed}, hết hạn {expired}"
VIEW_NONE = "Lớp này chưa có tin nào được gửi."
VIEW_FAILED_HEADER = "\n❗ Không gửi được (việc cần xử lý trước):"
VIEW_FAILED_LINE = "– {name} ({kind}): {reason}"
VIEW_FAILED_MORE = "… và {count} tin lỗi khác."
VIEW_UNLINKED = "– {people} người {reason} ({kinds}). In mã mời: sll lop loi-moi {code}"
VIEW_CHANNELS = " ({parts})"
VIEW_CHANNEL = " [{channel}]"
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
RESEND_BUTTON = "🔁 Gửi lại tin lỗi"
RESENT = "Đã xếp lại {count} tin lỗi để gửi lại."
RESENT_NONE = "Không có tin lỗi nào để gửi lại."

# --- staff commands -------------------------------------------------------------------------
USAGE_VIEW = "Cú pháp: /guitin <mã lớp>, ví dụ /guitin SC-K4"
USAGE_RESEND = "Cú pháp: /guilai <mã lớp>"
USAGE_ANNOUNCE = "Cú pháp: /thongbao <mã lớp>"
USAGE_MOVE = (
    "Cú pháp: /doibuoi <mã lớp> <buổi> <ngày> <giờ>, ví dụ /doibuoi SC-K4 3 12/03/2024 7h30-11h00"
)
USAGE_CANCEL = "Cú pháp: /huybuoi <mã lớp> <buổi> [lý do]"
USAGE_BROADCAST = "Cú pháp: /nhantin <mã lớp>, rồi gửi nội dung tin."
ANNOUNCED = "Đã xếp {count} tin thông báo lớp {code} (học viên và lãnh đạo đơn vị) để gửi."
MOVED_DONE = "Đã dời {session} sang {when}; đã báo {count} học viên và lên lại lịch nhắc."
CANCELLED_DONE = "Đã hoãn {session}; đã báo {count} học viên và hủy các tin nhắc."
ASK_BROADCAST = "Bạn gửi nội dung tin cho cả lớp {code} (gõ vào ô chat):"
BROADCAST_DONE = "Đã xếp {count} tin để gửi cho lớp {code}."
BAD_DATE = "Không hiểu ngày giờ: {error}"
CLI_REFUSED = "[red]Không thực hiện được:[/red] {error}"
# How each `usecases.notices.NoticeReason` is worded.
REFUSALS = {
    "notices.session_not_found": "Không tìm thấy buổi {number} của lớp {code}.",
    "notices.ends_before_start": "Không hiểu ngày giờ: giờ kết thúc trước giờ bắt đầu",
    "notices.empty_text": "Nội dung tin đang trống.",
    "notices.unit_not_found": "Không tìm thấy đơn vị này.",
}

# --- command descriptions (help and Telegram's menu) ----------------------------------------
VIEW_DESCRIPTION = "Cán bộ: xem tình hình gửi tin của một lớp"
ANNOUNCE_DESCRIPTION = "Cán bộ: gửi thông báo triệu tập lớp"
MOVE_DESCRIPTION = "Cán bộ: dời một buổi học"
CANCEL_DESCRIPTION = "Cán bộ: hoãn một buổi học"
BROADCAST_DESCRIPTION = "Cán bộ: nhắn tin cho cả lớp"
