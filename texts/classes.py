"""Texts of setting a class up: its refusals (the wording of `usecases.classes.ClassReason`)."""

REFUSALS = {
    "classes.not_found": "Không tìm thấy lớp có mã «{code}».",
    "classes.missing_fields": "Chưa có {fields}: lớp cần đủ mã, tên và loại.",
    "classes.exists": "Đã có lớp mã «{code}»: {name}.",
    "classes.learner_not_found": "Không tìm thấy học viên «{who}» trong lớp.",
}
