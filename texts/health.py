"""What staff are told when the bot's own delivery is in trouble."""

OUTBOX_STALE = (
    "⚠️ Hàng đợi tin nhắn đang bị chậm: có tin đến hạn gửi từ {minutes} phút trước mà chưa đi.\n"
    "Số tin đang chờ: {pending}. Vui lòng kiểm tra máy chủ của bot (nhật ký, /guitin)."
)
