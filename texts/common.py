"""Texts every journey shares. All user-facing wording lives in this folder, one file a feature,
so it is reviewed in one place. Plain Vietnamese, NFC, `str.format` placeholders."""

SOMETHING_WENT_WRONG = (
    "Xin lỗi, hệ thống đang gặp sự cố nên chưa làm được việc này. Bạn vui lòng thử lại sau ít phút."
)
FILE_NOT_SENT = (
    "Không gửi được tệp «{filename}» qua Telegram. Bạn có thể nhận tệp tại trung tâm "
    "hoặc thử lại sau."
)
NOT_LINKED = (
    "Bạn chưa được liên kết với danh sách học viên của trung tâm.\n"
    "Hãy bấm nút «📱 Chia sẻ số điện thoại» bên dưới, hoặc mở đường liên kết mời "
    "mà trung tâm đã gửi cho bạn."
)
NOT_LINKED_NO_CONTACT = (
    "Bạn chưa được liên kết với danh sách học viên của trung tâm.\n"
    "Hãy gõ mã mời mà trung tâm đã gửi cho bạn (ví dụ: K7QM3XPA2B)."
)
NOT_ALLOWED = "Bạn không có quyền làm việc này."
STAFF_ONLY = "Việc này chỉ dành cho cán bộ của trung tâm."
UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh «{command}». Gõ /help để xem những việc bạn có thể làm."
TOO_LONG = (
    "Tin nhắn dài {length} ký tự, quá giới hạn {limit} ký tự nên tôi chưa làm được việc này. "
    "Bạn vui lòng viết gọn lại rồi gửi lại."
)
GROUP_NOT_SUPPORTED = "Vui lòng nhắn riêng cho tôi để dùng việc này."
SHARE_PHONE_BUTTON = "📱 Chia sẻ số điện thoại"
CHOICE_LINE = "Gõ {number} để: {label}"
CHOICE_UNKNOWN = "Số {number} không có trong các lựa chọn. Vui lòng gõ một số từ 1 đến {count}."
CHOICE_NOT_SHOWN = (
    "Số {number} không có trong các lựa chọn. Vui lòng gõ một trong các số đang hiện ở trên."
)
DOCUMENT_NOT_ON_CHANNEL = (
    "Tệp «{filename}» chỉ gửi được qua Telegram. Bạn có thể nhận tệp tại trung tâm "
    "hoặc qua Telegram."
)


ROLE_LEARNER = "học viên"
ROLE_MONITOR = "lớp trưởng"
ROLE_LEADER = "lãnh đạo đơn vị"
ROLE_STAFF = "cán bộ trung tâm"

HELP_HEADER = "Bạn là {roles}. Bạn có thể:"
HELP_NOT_LINKED = (
    "Chào bạn! Tôi là Sổ Liên Lạc của {centre}.\n"
    "Để bắt đầu, hãy liên kết tài khoản với danh sách lớp: bấm «📱 Chia sẻ số điện thoại», "
    "hoặc mở đường liên kết mời (gõ mã mời) mà trung tâm đã gửi."
)
HELP_LINE = "/{command} — {description}"
