"""Texts of leave requests (/xinphep) and staff decisions (/duyetphep)."""

from __future__ import annotations

CHOOSE_SESSION = "Xin phép vắng học: chọn buổi học bạn sẽ vắng."
NO_SESSIONS = "Bạn không có buổi học nào sắp tới để xin phép."
SESSION_BUTTON = "{label} – {when}"
ASK_REASON = "Xin phép vắng {session}.\nVui lòng gõ lý do vắng học (ví dụ: ốm, việc gia đình…)."
REQUESTED = "📝 Đã gửi đơn xin phép vắng {session}. Cán bộ trung tâm sẽ xem xét và báo lại cho bạn."
ALREADY_PENDING = "Bạn đã xin phép vắng {session}; đơn đang chờ cán bộ xem xét."
ALREADY_APPROVED = "Bạn đã được cho phép vắng {session}."
TOO_LATE = "{session} đã khóa sổ điểm danh nên không xin phép được nữa."
CANCELLED = "{session} đã hoãn, bạn không cần xin phép."
NOT_ENROLLED = "Bạn không có tên trong danh sách lớp của buổi học này."
REASON_TOO_SHORT = "Vui lòng gõ lý do vắng học rõ hơn (ít nhất vài chữ)."

STAFF_NEW_REQUEST = (
    "📝 Đơn xin phép vắng học\n{name} ({unit}) xin vắng {session} ({when}).\nLý do: {reason}"
)
APPROVE_BUTTON = "✅ Duyệt"
REFUSE_BUTTON = "❌ Không duyệt"
QUEUE_HEADER = "Đơn xin phép đang chờ duyệt ({count}):"
QUEUE_EMPTY = "Không có đơn xin phép nào đang chờ duyệt."
QUEUE_LINE = "{n}. {name} ({unit}) – vắng {session} ({when}).\n   Lý do: {reason}"
QUEUE_APPROVE = "✅ Duyệt {n}"
QUEUE_REFUSE = "❌ Không duyệt {n}"
DECIDED_APPROVED = "✅ Đã duyệt đơn xin phép của {name} ({session}). Học viên đã được báo."
DECIDED_REFUSED = "❌ Đã không duyệt đơn xin phép của {name} ({session}). Học viên đã được báo."
ALREADY_DECIDED = "Đơn của {name} đã được {decision} trước đó."
DECISION_WORDS = {"approved": "duyệt", "refused": "từ chối"}
NOT_FOUND = "Không tìm thấy đơn xin phép này."

LEARNER_APPROVED = "✅ Đơn xin phép vắng {session} ({when}) của bạn đã được duyệt."
LEARNER_REFUSED = (
    "❌ Đơn xin phép vắng {session} ({when}) của bạn không được duyệt. "
    "Bạn vui lòng đi học, hoặc liên hệ cán bộ trung tâm nếu cần."
)
UNIT_UNKNOWN = "chưa rõ đơn vị"

ASK_DESCRIPTION = "Xin phép vắng một buổi học"
ASK_BUTTON = "📝 Xin phép vắng"
DECIDE_DESCRIPTION = "Duyệt đơn xin phép vắng học"
DECIDE_BUTTON = "🗂 Duyệt xin phép"

# --- refusals (usecases.leave.LeaveReason), worded by texts.refusals.say ---------------------
# Details: {session} a session's line, {name} the learner.
REFUSALS = {
    "leave.not_found": NOT_FOUND,
    "leave.not_enrolled": NOT_ENROLLED,
    "leave.cancelled": CANCELLED,
    "leave.too_late": TOO_LATE,
    "leave.already_pending": ALREADY_PENDING,
    "leave.already_approved": ALREADY_APPROVED,
    "leave.reason_too_short": REASON_TOO_SHORT,
    "leave.already_decided_approved": ALREADY_DECIDED.replace(
        "{decision}", DECISION_WORDS["approved"]
    ),
    "leave.already_decided_refused": ALREADY_DECIDED.replace(
        "{decision}", DECISION_WORDS["refused"]
    ),
}
