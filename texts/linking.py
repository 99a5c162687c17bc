"""Texts of linking a chat account to a person on the roster."""

WELCOME_UNLINKED = (
    "Chào bạn! Tôi là Sổ Liên Lạc của {centre}: tôi gửi lịch học, nhắc giờ học, "
    "điểm danh và kết quả học tập.\n\n"
    "Để bắt đầu, hãy bấm nút «📱 Chia sẻ số điện thoại» bên dưới, hoặc mở đường liên kết mời "
    "mà trung tâm đã gửi cho bạn."
)
WELCOME_UNLINKED_NO_CONTACT = (
    "Chào bạn! Tôi là Sổ Liên Lạc của {centre}: tôi gửi lịch học, nhắc giờ học, "
    "điểm danh và kết quả học tập.\n\n"
    "Để bắt đầu, hãy gõ mã mời mà trung tâm đã gửi cho bạn."
)
LINKED_LEARNER = (
    "Xin chào {name}! Tài khoản của bạn đã được liên kết.\n"
    "Bạn là học viên lớp {classes}. Từ nay tôi sẽ gửi lịch học, nhắc giờ học và "
    "kết quả học tập cho bạn tại đây."
)
LINKED_LEADER = (
    "Xin chào {name}! Tài khoản của bạn đã được liên kết với đơn vị {units}.\n"
    "Tôi sẽ báo cho bạn khi học viên của đơn vị vắng học không phép, "
    "và gửi kết quả học tập của họ sau mỗi khóa học."
)
LINKED_OTHER = "Xin chào {name}! Tài khoản của bạn đã được liên kết."
ALREADY_LINKED = "Tài khoản này đã được liên kết với {name}. Gõ /help để xem bạn có thể làm gì."
CODE_UNKNOWN = (
    "Mã mời «{code}» không đúng. Vui lòng kiểm tra lại mã, "
    "hoặc liên hệ cán bộ trung tâm để được cấp mã mới."
)
CODE_USED = (
    "Mã mời này đã được dùng rồi. Nếu không phải bạn đã dùng, "
    "hãy liên hệ cán bộ trung tâm để được cấp mã mới."
)
CODE_FOR_SOMEONE_ELSE = (
    "Tài khoản này đã được liên kết với {name}, nên không dùng được mã mời của người khác. "
    "Nếu có nhầm lẫn, hãy liên hệ cán bộ trung tâm."
)
CONTACT_NOT_OWN = (
    "Đây không phải số điện thoại của chính bạn. Để bảo vệ thông tin của mọi người, "
    "chỉ liên kết được bằng số của chính mình: hãy bấm nút «📱 Chia sẻ số điện thoại»."
)
CONTACT_UNKNOWN = (
    "Số điện thoại {phone} chưa có trong danh sách học viên của trung tâm.\n"
    "Nếu bạn dùng số khác khi đăng ký học, hãy liên hệ cán bộ trung tâm để được cấp mã mời."
)
CONTACT_BAD = "Không đọc được số điện thoại này. Vui lòng bấm lại nút «📱 Chia sẻ số điện thoại»."
PHONE_TAKEN = (
    "Số điện thoại này đã được liên kết với một tài khoản khác. "
    "Hãy liên hệ cán bộ trung tâm để được hỗ trợ."
)
STAFF_WELCOME = "Xin chào! Bạn là cán bộ của {centre}. Gõ /help để xem các việc bạn có thể làm."
CODE_THROTTLED = (
    "Bạn đã nhập sai mã mời nhiều lần. Để bảo vệ tài khoản của mọi người, "
    "vui lòng đợi {minutes} phút rồi thử lại, hoặc liên hệ cán bộ trung tâm."
)
TAKEN_ON_CHANNEL = (
    "Hồ sơ này đã được liên kết với một tài khoản {channel} khác, nên tài khoản này chưa được "
    "liên kết. "
    "Mỗi người chỉ dùng một tài khoản trên mỗi ứng dụng. Nếu bạn đổi tài khoản hoặc mất máy, "
    "hãy liên hệ cán bộ trung tâm để được cấp mã mời mới."
)
# Notices to a person's other accounts (no name, no phone: the account may not be theirs).
LINKED_ELSEWHERE = (
    "🔐 Một tài khoản {channel} vừa được liên kết với hồ sơ của bạn tại trung tâm. "
    "Nếu không phải bạn, hãy báo trung tâm."
)
LINK_REPLACED = (
    "🔐 Tài khoản này không còn được liên kết với hồ sơ của bạn tại trung tâm: một tài khoản "
    "{channel} khác vừa được liên kết bằng mã mời mới do trung tâm cấp. "
    "Nếu không phải bạn, hãy báo trung tâm."
)
LINK_REFUSED_ELSEWHERE = (
    "🔐 Có người vừa dùng mã mời hoặc số điện thoại của bạn để liên kết thêm một tài khoản "
    "{channel}, và đã bị từ chối. Nếu không phải bạn, hãy báo trung tâm."
)
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
REISSUE_NOT_FOUND = "Không xác định được người «{who}» trong lớp (tìm thấy {count})."
# How each `usecases.linking.LinkReason` is worded.
REFUSALS = {
    "linking.unknown_code": CODE_UNKNOWN,
    "linking.used_code": CODE_USED,
    "linking.other_person": CODE_FOR_SOMEONE_ELSE,
    "linking.not_own_contact": CONTACT_NOT_OWN,
    "linking.bad_phone": CONTACT_BAD,
    "linking.unknown_phone": CONTACT_UNKNOWN,
    "linking.throttled": CODE_THROTTLED,
    "linking.taken_on_channel": TAKEN_ON_CHANNEL,
    "linking.reissue_not_found": REISSUE_NOT_FOUND,
}
