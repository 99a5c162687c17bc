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
}
