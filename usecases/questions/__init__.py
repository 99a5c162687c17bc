"""Questions (DESIGN journey 5): a learner asks, the centre's staff answer in chat, and nothing
slips through (every open question is in the staff queue and, once stale, in a daily digest).

Rules kept here, whatever the channel:
- A question belongs to one class of the asker (and the session running, or the one of the
  day); only that class's centre staff see it, and the learner sees only their own questions.
- Free text is first kept as a *draft* and becomes a question only when the learner confirms,
  because a button cannot carry the text itself (callback data is 64 bytes).
- Flooding is refused: at most `max_open_per_learner` open questions, `max_per_hour` an hour.
- Every message that results (to staff, to the learner, to the class) goes through the outbox
  in the same transaction as the change.

Staff notices are private messages to each active staff member of the class's centre; the outbox
addresses people, never a group chat, so a learner's question stays in private chats with staff.

Layout: `rules` (pure decisions), `queries` (loading), `asking` (learners), `staff` (the queue,
answers), `digest` (the daily reminder to staff), `review` (what the exports read); the files
are made in `render/questions.py`.
"""

from usecases.questions.asking import (
    ask_question,
    draft_question,
    drop_draft,
    my_questions,
    send_draft,
)
from usecases.questions.digest import plan_digest
from usecases.questions.review import class_questions, find_class_for_staff
from usecases.questions.rules import (
    KIND_ANSWER,
    KIND_CLOSED,
    KIND_DIGEST,
    KIND_IN_CLASS,
    KIND_NEW,
    KIND_SHARED,
    PAGE_SIZE,
    RETRY,
    ClassChoice,
    QuestionReason,
    clean_text,
    draft_key,
    excerpt,
    when_text,
)
from usecases.questions.staff import (
    answer_question,
    close_question,
    mark_answered_in_class,
    open_questions,
    question_for_staff,
    share_answer,
)
from usecases.questions.values import Asked, Draft, NeedsClass, QuestionView, QueuePage

__all__ = [
    "KIND_ANSWER",
    "KIND_CLOSED",
    "KIND_DIGEST",
    "KIND_IN_CLASS",
    "KIND_NEW",
    "KIND_SHARED",
    "PAGE_SIZE",
    "RETRY",
    "Asked",
    "ClassChoice",
    "Draft",
    "NeedsClass",
    "QuestionReason",
    "QuestionView",
    "QueuePage",
    "answer_question",
    "ask_question",
    "class_questions",
    "clean_text",
    "close_question",
    "draft_key",
    "draft_question",
    "drop_draft",
    "excerpt",
    "find_class_for_staff",
    "mark_answered_in_class",
    "my_questions",
    "open_questions",
    "plan_digest",
    "question_for_staff",
    "send_draft",
    "share_answer",
    "when_text",
]
