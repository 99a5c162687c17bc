"""Texts of the check-ins export (`/xuatdiemdanh`, `sll xuat diem-danh`): the xlsx file.

A mark's name is the chat's (`texts.attendance.STATUS_NAMES`), capitalised as a cell; how it
was made is worded more fully here than in chat, because the file is read without the chat.
"""

PERIOD_ONE_DAY = "ngày {day}"
PERIOD_RANGE = "từ {start} đến {end}"
SHEET = "Điểm danh"
TITLE = "ĐIỂM DANH LỚP {code}: {name}"
PERIOD = "Thời gian: {period}"
HEADER = (
    "Buổi",
    "Ngày",
    "Giờ học",
    "Chuyên đề",
    "TT",
    "Học viên",
    "Trạng thái",
    "Cách ghi",
    "Người ghi",
    "Thời gian ghi",
)
METHOD_NAMES = {
    "checkin": "Học viên tự điểm danh",
    "monitor": "Lớp trưởng",
    "staff": "Cán bộ sửa",
    "leave": "Nghỉ phép được duyệt",
    "close": "Chưa điểm danh khi kết thúc buổi",
}
