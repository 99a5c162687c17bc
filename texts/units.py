"""Texts of the two-way loop with home units (issue 18): "✅ Đã nhận" on what leaders
receive, the staff's list of units that have not acknowledged, and the one reminder."""

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

# --- nominees confirmed before the class opens ------------------------------------------------
NOMINATE_BUTTON = "📝 Xác nhận học viên cử đi học"
NOMINATE_DESCRIPTION = "Xác nhận học viên đơn vị cử đi học"
NOMINATE_PICK_CLASS = "Chọn lớp để xác nhận học viên đơn vị cử đi học:"
NOMINATE_NO_CLASS = "Hiện không có lớp nào cần đơn vị xác nhận học viên."
NOMINATE_HEADER = "📝 Lớp {code} – {name}\nHọc viên đơn vị cử đi học ({count} người):"
NOMINATE_LINE = "{number}. {name} — {state}"
NOMINATE_HINT = "Chọn từng người để xác nhận có đi học được không."
NOMINATE_CLOSED = "Lớp đã bắt đầu, không sửa được nữa."
NOMINATE_ALL_BUTTON = "✅ Tất cả người chưa trả lời: sẽ đi học"
NOMINATE_ALL_DONE = "Đồng chí đã trả lời cho tất cả học viên. Cảm ơn đồng chí."
STATE_NONE = "⏳ chưa trả lời"
STATE_CONFIRMED = "✅ sẽ đi học"
STATE_DECLINED = "❌ không đi được"
STATE_REASON = " ({reason})"
STATE_REPLACEMENT = "; người thay: {name}"
NOMINEE_ASK = "Học viên {name} ({unit}) có đi học lớp {code} được không?"
NOMINEE_YES = "✅ Sẽ đi học"
NOMINEE_NO = "❌ Không đi được"
NOMINEE_ASK_REASON = "Xin đồng chí gõ lý do {name} không đi học được:"
NOMINEE_ASK_REPLACEMENT = (
    "Đã ghi nhận. Đơn vị có cử người khác đi thay không?\n"
    "Gõ họ tên người đi thay (trung tâm sẽ bổ sung vào lớp), hoặc chọn «Không cử người thay»."
)
NOMINEE_NO_REPLACEMENT = "Không cử người thay"
NOMINEE_BACK = "↩️ Danh sách"
NOMINATE_REMINDER = (
    "🔔 Lớp {code} – {name} sắp khai giảng. Đơn vị còn {count} học viên chưa được xác nhận "
    "có đi học hay không. Xin đồng chí xác nhận giúp."
)
# staff
NOMINATIONS_DESCRIPTION = "Đơn vị xác nhận học viên cử đi học"
NOMINATIONS_HEADER = "📝 Đơn vị xác nhận học viên cử đi học — lớp {code} – {name}"
NOMINATIONS_TOTAL = (
    "Tổng: {confirmed} sẽ đi học, {declined} không đi được, {no_answer} chưa trả lời."
)
NOMINATIONS_UNIT = (
    "\n🏢 {unit} ({leaders}): {confirmed} sẽ đi, {declined} không đi, {no_answer} chưa trả lời"
)
NOMINATIONS_NO_LEADER = "chưa có lãnh đạo"
NOMINATIONS_DECLINED_LINE = "  ❌ {name}: {reason}{replacement}"
NOMINATIONS_WAITING_LINE = "  ⏳ {names}"
NOMINATIONS_REMIND_BUTTON = "🔔 Nhắc đơn vị chưa trả lời"
NOMINATIONS_REMINDED = "🔔 Đã nhắc {new} lãnh đạo đơn vị chưa trả lời."
NOMINATIONS_REMINDED_BEFORE = " {old} người đã được nhắc trước đó (chỉ nhắc một lần)."
NOMINATIONS_NOTHING_TO_REMIND = "Các đơn vị đã trả lời đủ, không cần nhắc."
NOMINATIONS_PICK = "Gõ /cudilop MÃ_LỚP để xem, ví dụ /cudilop SC-K4."

# --- attendance rules ------------------------------------------------------------------------
WHY_SHARE = "vắng không phép {missed}/{total} buổi (quy định không quá {limit})"
WHY_RUN = "vắng không phép {run} buổi liên tiếp (quy định dưới {limit} buổi liên tiếp)"
RULE_WARNING_LEARNER = (
    "⚠️ Nhắc nhở chuyên cần lớp {code}: bạn đã {detail}.\n"
    "Nếu bận, hãy xin phép trước buổi học (/xinphep)."
)
RULE_LIMIT_LEARNER = (
    "❗ Lớp {code}: bạn đã {detail}, vượt quy định.\n"
    "Bạn có thể không đủ điều kiện hoàn thành khóa học. Xin liên hệ cán bộ lớp."
)
RULE_LIMIT_OTHERS = "❗ Học viên {name} ({unit}), lớp {code}: đã {detail}, vượt quy định."
NO_UNIT = "chưa rõ đơn vị"
INELIGIBLE_DESCRIPTION = "Học viên không đủ điều kiện chuyên cần"
INELIGIBLE_HEADER = "📋 Lớp {code} – {name}: học viên không đủ điều kiện chuyên cần"
INELIGIBLE_LINE = "{number}. {name} ({unit}) — {why}"
INELIGIBLE_NONE = "Lớp {code}: mọi học viên đều đủ điều kiện chuyên cần."
INELIGIBLE_PICK = "Gõ /khongdudk MÃ_LỚP, ví dụ /khongdudk SC-K4."
WHY_JOIN = "; "
WHY_SHORT = {
    "share": "vắng không phép quá số buổi cho phép",
    "run": "vắng không phép nhiều buổi liên tiếp",
}
INELIGIBLE_NOTE = "⚠️ Không đủ điều kiện chuyên cần: {why}"
INELIGIBLE_TO_STAFF = (
    "📋 Lớp {code} – {name} đã học xong. Trước khi công bố kết quả, xin xem danh sách học viên "
    "không đủ điều kiện chuyên cần ({count} người):\n{lines}"
)
INELIGIBLE_TO_STAFF_NONE = (
    "📋 Lớp {code} – {name} đã học xong: mọi học viên đều đủ điều kiện chuyên cần."
)

# --- conduct (rèn luyện) ---------------------------------------------------------------------
CONDUCT_NAMES = {"reminder": "nhắc nhở", "criticism": "phê bình", "violation": "vi phạm"}
CONDUCT_COUNT = "{count} {kind}"
CONDUCT_LINE = "Rèn luyện: {summary}"
NOTES_UNIT_HEADER = "📒 Rèn luyện và điều kiện chuyên cần:"
NOTES_UNIT_LINE = "• {name}: {notes}"
CONDUCT_VIOLATIONS = " (vi phạm: {reasons})"
CONDUCT_VIOLATION_LEADER = (
    "⚠️ Học viên {name} ({unit}) vi phạm quy chế học tập tại lớp {code} – {class_name}.\n"
    "Lý do: {reason}\nXin đơn vị phối hợp nhắc nhở học viên."
)
CONDUCT_DESCRIPTION = "Ghi nhắc nhở, phê bình, vi phạm của học viên"
CONDUCT_USAGE = (
    "Cách gõ: /renluyen MÃ_LỚP SỐ_TT LOẠI lý do\n"
    "LOẠI là nhacnho, phebinh hoặc vipham. Ví dụ:\n/renluyen SC-K4 12 vipham Bỏ buổi học chiều"
    "\nXem cả lớp: /renluyen MÃ_LỚP"
)
CONDUCT_SAVED = "✅ Đã ghi {kind} cho {name} (lớp {code}): {reason}"
CONDUCT_TOLD = "\nĐã báo {count} lãnh đạo đơn vị."
CONDUCT_HEADER = "📒 Rèn luyện lớp {code} – {name}"
CONDUCT_ITEM = "• {when} — {name} ({unit}): {kind} — {reason} (ghi bởi {by})"
CONDUCT_NONE = "Lớp {code} chưa có nhắc nhở, phê bình hay vi phạm nào."

# --- the unit can answer ----------------------------------------------------------------------
REPLY_DESCRIPTION = "Gửi trung tâm nhận xét hoặc lý do vắng của học viên"
REPLY_PICK_CLASS = "Đồng chí muốn phản hồi về học viên lớp nào?"
REPLY_NO_CLASS = "Hiện không có lớp nào có học viên của đơn vị đồng chí."
REPLY_PICK_LEARNER = "Lớp {code}: đồng chí phản hồi về học viên nào?"
REPLY_PICK_KIND = "Về {name}, đồng chí muốn gửi:"
REPLY_KIND_BUTTONS = {"remark": "💬 Nhận xét vận dụng sau học", "absence": "📝 Lý do vắng học"}
REPLY_KIND_NAMES = {"remark": "Nhận xét vận dụng", "absence": "Lý do vắng"}
REPLY_ASK_TEXT = "Xin đồng chí gõ nội dung ({kind}) về {name}:"
REPLY_SENT = "✅ Đã gửi trung tâm. Trung tâm sẽ trả lời đồng chí tại đây."
REPLY_ITEM = (
    "📨 Phản hồi #{id} — {kind}\nHọc viên: {learner} ({unit}), lớp {code}\nTừ: {leader}\n«{text}»"
)
REPLY_ANSWER_BUTTON = "✍️ Trả lời"
REPLY_QUEUE_DESCRIPTION = "Phản hồi của đơn vị chờ trả lời"
REPLY_QUEUE_EMPTY = "Không có phản hồi nào của đơn vị đang chờ trả lời."
REPLY_QUEUE_HEADER = "📨 {count} phản hồi của đơn vị chờ trả lời:"
REPLY_ASK_ANSWER = "Gõ câu trả lời cho phản hồi #{id}:"
REPLY_ANSWERED_OK = "✅ Đã trả lời phản hồi #{id} ({learner}); đã gửi lãnh đạo đơn vị."
REPLY_ANSWER_TO_LEADER = (
    "💬 Trung tâm trả lời phản hồi của đồng chí về {learner} (lớp {code}):\n«{text}»\n\n{answer}"
)

# --- the district between school and commune ---------------------------------------------------
PARENT_HEADER = (
    "📊 Kết quả học tập lớp {code} – {name}\n"
    "Học viên các đơn vị thuộc {parent}: {count} người, {units} đơn vị."
)
PARENT_UNIT = "\n🏢 {unit} ({count}):"
PARENT_LINE = "{number}. {name}: {result}"
PARENT_MORE = "… và {count} học viên khác (xem tệp đính kèm)."
PARENT_FILE_CAPTION = "📎 Bảng kết quả lớp {code} theo từng đơn vị thuộc {parent}"
PARENT_SHEET_TITLE = "KẾT QUẢ HỌC TẬP LỚP {code} — CÁC ĐƠN VỊ THUỘC {parent}"
PARENT_SHEET_HEADER = ("TT", "Đơn vị", "Họ và tên", "Điểm", "Xếp loại")
PARENT_FILE = "ket-qua-{code}-{parent}.xlsx"
PARENT_SAVED = "Đã đặt «{unit}» thuộc «{parent}»."
PARENT_MISSING = "Hãy ghi tên đơn vị cấp trên, hoặc --bo để bỏ."
PARENT_CLEARED = "«{unit}» không còn thuộc đơn vị cấp trên nào."
SUBUNITS_DESCRIPTION = "Đơn vị cấp dưới đã nhận kết quả chưa"
SUBUNITS_NONE = "Đồng chí chưa có đơn vị cấp dưới nào có học viên đã có kết quả."
SUBUNITS_HEADER = "📨 Đơn vị cấp dưới xác nhận đã nhận kết quả:"
SUBUNITS_CLASS = "\nLớp {code}:"
SUBUNITS_YES = "• {unit}: ✅ đã nhận ({by})"
SUBUNITS_NO = "• {unit}: ⏳ chưa xác nhận"

# --- CLI ---------------------------------------------------------------------------------------
CLI_SAVED = "Đã lưu bảng xác nhận vào {path}."

REFUSALS = {
    "units.not_yours": "Không tìm thấy tin này trong các tin đã gửi đồng chí.",
    "units.class_not_found": "Không có lớp mã {code}.",
    "units.not_published": "Lớp {code} chưa công bố kết quả, chưa có gì để đơn vị nhận.",
    "units.staff_only": "Chỉ cán bộ trung tâm mới xem được việc này.",
    "units.not_your_learner": "Người này không phải học viên đơn vị đồng chí trong lớp.",
    "units.nomination_closed": "Lớp {code} đã bắt đầu học, không xác nhận được nữa.",
    "units.not_declined": "Chỉ ghi người thay khi {name} không đi học được.",
    "units.conduct_kind": "Loại phải là nhacnho, phebinh hoặc vipham.",
    "units.conduct_reason": "Xin ghi lý do.",
    "units.no_such_number": "Lớp {code} không có học viên số {number}.",
    "units.reply_empty": "Nội dung trống, chưa gửi gì.",
    "units.reply_too_long": "Nội dung dài {length} ký tự, quá giới hạn {limit}.",
    "units.no_such_reply": "Không có phản hồi #{id}.",
    "units.reply_answered": "Phản hồi #{id} đã được trả lời rồi.",
    "units.unit_not_found": "Không có đơn vị «{name}».",
    "units.parent_cycle": "«{parent}» đang ở dưới «{unit}», không thể làm cấp trên.",
    "units.not_announced": "Lớp {code} chưa được thông báo cho học viên và đơn vị.",
}
