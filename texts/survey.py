"""Texts of the evaluation after training (đánh giá sau đào tạo), asked of unit leaders."""

# One short question per key of `usecases.survey.QUESTIONS`, answered 1–5.
QUESTIONS = {
    "apply": "Học viên của đơn vị vận dụng kiến thức đã học vào công việc ở mức nào?",
    "attitude": "Tinh thần, trách nhiệm trong công tác của học viên sau khóa học thế nào?",
    "useful": "Nội dung khóa học có thiết thực với yêu cầu của đơn vị không?",
}
SHORT = {
    "apply": "Vận dụng kiến thức",
    "attitude": "Tinh thần, trách nhiệm",
    "useful": "Tính thiết thực",
}
INTRO = (
    "📝 Đánh giá sau đào tạo — lớp {name} ({code}), kết thúc ngày {end}.\n"
    "Trung tâm rất mong đồng chí dành một phút cho {count} câu hỏi ngắn về {learners} học viên "
    "của {units} đã dự lớp. Chọn điểm từ 1 (kém) đến 5 (rất tốt)."
)
QUESTION = "Câu {number}/{count}: {text}"
RATING_LABELS = {1: "1 · Kém", 2: "2", 3: "3", 4: "4", 5: "5 · Rất tốt"}
ASK_COMMENT = (
    "Cảm ơn đồng chí! Đồng chí có ý kiến gì thêm về khóa học hoặc học viên không? "
    "Hãy gõ ý kiến, hoặc bấm «Bỏ qua»."
)
SKIP_BUTTON = "Bỏ qua"
THANKS = "🙏 Trung tâm cảm ơn đồng chí đã đánh giá. Ý kiến đã được ghi nhận."
ALREADY_DONE = "Đồng chí đã hoàn thành đánh giá lớp {code}. Cảm ơn đồng chí!"
NOT_YOURS = "Đồng chí không có học viên trong lớp này nên không cần đánh giá."
NOTHING_PENDING = "Hiện không có phiếu đánh giá nào đang chờ đồng chí."
BAD_ANSWER = "Chưa hiểu câu trả lời. Vui lòng bấm một nút từ 1 đến 5."
DESCRIPTION = "Trả lời phiếu đánh giá sau đào tạo"
UNIT_JOIN = ", "

# Refusals, keyed by the values of `usecases.survey.SurveyReason` (a rule test checks all are here).
REFUSALS = {
    "survey.not_yours": NOT_YOURS,
    "survey.bad_answer": BAD_ANSWER,
}
