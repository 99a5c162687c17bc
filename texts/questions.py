"""Texts of questions: a learner asks, staff answer, review exports."""

# --- buttons and command descriptions --------------------------------------------------------
ASK_BUTTON = "❓ Đặt câu hỏi"
ASK_DESCRIPTION = "Đặt câu hỏi cho cán bộ trung tâm"
MINE_DESCRIPTION = "Xem các câu hỏi của bạn và câu trả lời"
QUEUE_BUTTON = "📥 Câu hỏi chờ trả lời"
QUEUE_DESCRIPTION = "Câu hỏi của học viên đang chờ trả lời (cũ nhất trước)"
EXPORT_QUESTIONS_DESCRIPTION = "Xuất câu hỏi và trả lời của một lớp ra Excel: /xuatcauhoi MÃ_LỚP"
EXPORT_CHECKINS_DESCRIPTION = (
    "Xuất điểm danh ra Excel: /xuatdiemdanh MÃ_LỚP [dd/mm/yyyy] [dd/mm/yyyy]"
)
SEND_BUTTON = "📨 Gửi"
SEND_TO_CLASS_BUTTON = "📨 Gửi — lớp {code}"
CANCEL_BUTTON = "Không"
ANSWER_BUTTON = "✍️ Trả lời"
ANSWER_NUMBER_BUTTON = "✍️ #{number}"
IN_CLASS_BUTTON = "✅ Đã giải đáp trên lớp"
CLOSE_BUTTON = "🚫 Đóng, không trả lời"
SHARE_BUTTON = "📢 Gửi câu trả lời cho cả lớp"
NEXT_PAGE_BUTTON = "Trang sau ▶"
PREVIOUS_PAGE_BUTTON = "◀ Trang trước"
ALL_CLASSES_BUTTON = "Tất cả các lớp"
CLASS_FILTER_BUTTON = "Lớp {code} ({count})"

# --- the learner asks ---------------------------------------------------------------------
ASK_PROMPT = (
    "Bạn hãy gõ câu hỏi vào tin nhắn tiếp theo. Câu hỏi sẽ được gửi tới cán bộ trung tâm, "
    "câu trả lời sẽ đến với bạn tại đây."
)
ASK_PROMPT_CLASS = "Câu hỏi cho lớp {code} — {name}.\n" + ASK_PROMPT
WHICH_CLASS = "Bạn đang học nhiều lớp. Câu hỏi này dành cho lớp nào?"
OFFER = "Bạn muốn gửi câu hỏi này cho cán bộ trung tâm?\n\n«{text}»"
RECEIPT = (
    "✅ Đã gửi câu hỏi số {number} tới cán bộ trung tâm (lớp {code}), lúc {when}.\n"
    "Câu trả lời sẽ đến với bạn tại đây. Gõ /cauhoicuatoi để xem lại các câu hỏi của bạn."
)
DRAFT_DROPPED = "Được, tôi không gửi tin nhắn đó. Bạn cần gì thì gõ /help nhé."
EMPTY = "Câu hỏi đang trống. Bạn hãy gõ nội dung câu hỏi, ví dụ: /hoi Buổi chiều học ở phòng nào?"
TOO_LONG = (
    "Câu hỏi dài {length} ký tự, quá giới hạn {limit} ký tự. "
    "Bạn vui lòng viết gọn lại hoặc chia thành vài câu hỏi ngắn."
)
MEDIA_ONLY = (
    "Tôi chỉ đọc được tin nhắn chữ. Nếu bạn muốn hỏi, hãy gõ câu hỏi bằng chữ "
    "(ảnh, tệp và nhãn dán không chuyển được tới cán bộ)."
)
MEDIA_NOT_FORWARDED = (
    "Lưu ý: ảnh hoặc tệp không chuyển được tới cán bộ; cán bộ chỉ nhận phần chữ ở trên. "
    "Nếu cần, bạn hãy mô tả nội dung ảnh bằng chữ."
)
NOT_A_QUESTION = (
    "Tôi chưa hiểu «{text}»: hiện không có lựa chọn nào đang chờ bạn gõ số. "
    "Bạn chọn một việc bên dưới, hoặc gõ câu hỏi bằng chữ để gửi cán bộ trung tâm."
)
TOO_MANY_OPEN = (
    "Bạn đang có {count} câu hỏi chưa được trả lời (tối đa {limit}). "
    "Bạn vui lòng chờ cán bộ trả lời rồi hỏi tiếp nhé."
)
TOO_MANY_PER_HOUR = (
    "Bạn đã gửi {count} câu hỏi trong một giờ qua (tối đa {limit}). "
    "Bạn vui lòng thử lại sau ít phút."
)
NO_CLASS = "Bạn chưa có trong danh sách lớp nào nên chưa đặt câu hỏi được."
NOT_YOURS = "Không tìm thấy câu hỏi này trong các câu hỏi của bạn."
ALREADY_SENT = "Câu hỏi số {number} đã được gửi rồi."
DRAFT_REPLACED = (
    "Tin nhắn dưới nút này đã được thay bằng tin bạn gõ sau, nên tôi không gửi gì. "
    "Nếu muốn hỏi, bạn bấm «Gửi» dưới tin mới nhất."
)

# --- the learner's own questions ------------------------------------------------------------
MINE_HEADER = "Các câu hỏi của bạn (mới nhất trước):"
MINE_NONE = "Bạn chưa đặt câu hỏi nào. Bấm «❓ Đặt câu hỏi» hoặc gõ /hoi để hỏi."
MINE_LINE = "\n#{number} · {when} · lớp {code} · {status}\nHỏi: {text}"
MINE_ANSWER = "\nTrả lời: {answer}"
MINE_REASON = "\nLý do: {reason}"
MINE_MORE = "\n… và {count} câu hỏi cũ hơn."
STATUS_OPEN = "⏳ đang chờ trả lời"
STATUS_ANSWERED = "✅ đã trả lời"
STATUS_ANSWERED_IN_CLASS = "✅ đã giải đáp trên lớp"
STATUS_CLOSED = "🚫 đã đóng"
# A question's status as people read it, by `QuestionStatus` value.
STATUS_NAMES = {
    "open": STATUS_OPEN,
    "answered": STATUS_ANSWERED,
    "answered_in_class": STATUS_ANSWERED_IN_CLASS,
    "closed": STATUS_CLOSED,
}

# --- what the learner receives ------------------------------------------------------------
ANSWER_TO_LEARNER = "💬 Trả lời câu hỏi số {number} của bạn:\n«{question}»\n\n{answer}"
IN_CLASS_TO_LEARNER = (
    "✅ Câu hỏi số {number} của bạn đã được giải đáp trên lớp:\n«{question}»\n"
    "Nếu còn chưa rõ, bạn cứ hỏi thêm nhé."
)
CLOSED_TO_LEARNER = "Câu hỏi số {number} của bạn đã được đóng:\n«{question}»\n\nLý do: {reason}"
SHARED_TO_CLASS = (
    "📢 Lớp {code}: một học viên đã hỏi, cán bộ trung tâm trả lời để cả lớp cùng biết.\n\n"
    "Hỏi: {question}\n\nTrả lời: {answer}"
)

# --- what staff receive and do --------------------------------------------------------------
NEW_TO_STAFF = "❓ Câu hỏi mới số {number} — lớp {code}\nTừ: {name}{session}\nLúc: {when}\n\n{text}"
SESSION_PART = "\nBuổi: {number}{topic}"
ANSWER_PROMPT = (
    "Câu hỏi số {number} — lớp {code}, của {name}:\n«{text}»\n\n"
    "✍️ Hãy gõ câu trả lời vào tin nhắn tiếp theo, tôi sẽ gửi cho học viên. "
    "Hoặc chọn bên dưới."
)
CLOSE_PROMPT = "Câu hỏi số {number}: hãy gõ lý do đóng câu hỏi (học viên sẽ nhận được lý do)."
ANSWER_SENT = "✅ Đã gửi câu trả lời cho học viên; câu hỏi số {number} đã đóng."
IN_CLASS_DONE = "✅ Câu hỏi số {number} được ghi là đã giải đáp trên lớp; học viên đã được báo."
CLOSED_DONE = "Câu hỏi số {number} đã đóng; học viên đã nhận được lý do."
SHARED_DONE = "📢 Đã gửi câu hỏi số {number} và câu trả lời cho {count} học viên khác của lớp."
ALREADY_SHARED = "Câu trả lời của câu hỏi số {number} đã được gửi cho cả lớp trước đó."
NOT_ANSWERED_YET = "Câu hỏi số {number} chưa có câu trả lời bằng chữ để gửi cho cả lớp."
ALREADY_DONE = "Câu hỏi số {number} đã được {who} xử lý lúc {when} ({status})."
ANSWER_EMPTY = "Câu trả lời đang trống. Hãy gõ nội dung trả lời."
REASON_EMPTY = "Hãy gõ lý do đóng câu hỏi."
ANSWER_TOO_LONG = "Câu trả lời dài {length} ký tự, quá giới hạn {limit} ký tự; hãy viết gọn lại."
QUESTION_NOT_FOUND = "Không tìm thấy câu hỏi số {number}, hoặc bạn không có quyền xem câu hỏi này."
BAD_NUMBER = "Số câu hỏi không hợp lệ."

# --- the staff queue ----------------------------------------------------------------------
QUEUE_HEADER = "📥 Câu hỏi chờ trả lời{scope}: {total} (cũ nhất trước), trang {page}/{pages}"
QUEUE_SCOPE_CLASS = " — lớp {code}"
QUEUE_EMPTY = "Không còn câu hỏi nào chờ trả lời{scope}. 👍"
QUEUE_LINE = "\n#{number} · {when} · lớp {code} · {name}\n{text}"
CLASS_NOT_FOUND = "Không tìm thấy lớp có mã «{code}»."

# --- the daily digest to staff ---------------------------------------------------------------
DIGEST_HEADER = "⏰ {count} câu hỏi đã chờ trả lời hơn {hours} giờ:"
DIGEST_LINE = "\n#{number} · lớp {code} · chờ từ {when}\n{text}"
DIGEST_MORE = "\n… và {count} câu hỏi khác. Gõ /cauhoi để xem hết."
DIGEST_FOOTER = "\n\nGõ /cauhoi để trả lời."

# --- exports ------------------------------------------------------------------------------
EXPORT_USAGE_QUESTIONS = "Hãy gõ mã lớp, ví dụ: /xuatcauhoi SC-K4"
EXPORT_USAGE_CHECKINS = (
    "Hãy gõ mã lớp và ngày, ví dụ: /xuatdiemdanh SC-K4 04/03/2024 "
    "(hoặc hai ngày cho một khoảng: /xuatdiemdanh SC-K4 04/03/2024 15/03/2024; "
    "không có ngày thì lấy hôm nay)."
)
BAD_DATE = "Ngày «{value}» không đúng dạng dd/mm/yyyy."
BAD_PERIOD = "Ngày bắt đầu phải trước ngày kết thúc."
EXPORT_QUESTIONS_CAPTION = "Câu hỏi và trả lời lớp {code}: {count} câu hỏi."
EXPORT_CHECKINS_CAPTION = "Điểm danh lớp {code}, {period}: {count} dòng."

QUESTIONS_SHEET = "Câu hỏi"
QUESTIONS_TITLE = "CÂU HỎI CỦA HỌC VIÊN — LỚP {code}: {name}"
QUESTIONS_HEADER = (
    "Số",
    "Thời gian hỏi",
    "Học viên",
    "Buổi",
    "Câu hỏi",
    "Trạng thái",
    "Trả lời / lý do",
    "Người trả lời",
    "Thời gian trả lời",
    "Gửi cả lớp",
)

# Refusals, keyed by the values of `usecases.questions.QuestionReason` (all checked in tests).
REFUSALS = {
    "questions.empty": EMPTY,
    "questions.too_long": TOO_LONG,
    "questions.media_only": MEDIA_ONLY,
    "questions.answer_empty": ANSWER_EMPTY,
    "questions.reason_empty": REASON_EMPTY,
    "questions.answer_too_long": ANSWER_TOO_LONG,
    "questions.too_many_open": TOO_MANY_OPEN,
    "questions.too_many_per_hour": TOO_MANY_PER_HOUR,
    "questions.no_class": NO_CLASS,
    "questions.not_found": QUESTION_NOT_FOUND,
    "questions.already_sent": ALREADY_SENT,
    "questions.draft_replaced": DRAFT_REPLACED,
    "questions.already_done": ALREADY_DONE,
    "questions.not_answered": NOT_ANSWERED_YET,
    "questions.already_shared": ALREADY_SHARED,
    "questions.class_not_found": CLASS_NOT_FOUND,
}
