"""Lecturers in chat (issue 17), one journey on both channels: /lichday and /ykien for
lecturers, the one-tap rating (and optional comment) for learners, /dugio and /nhanxet for
observation. Buttons on Telegram, typed numbers on Zalo (the dispatcher numbers choices)."""

from __future__ import annotations

from datetime import date, timedelta

from channels.incoming import Incoming
from handlers.base import Route, Services, as_number, main_menu
from render.lecturers import rating_report_xlsx
from texts import lecturers as T
from usecases import lecturers as L
from usecases.identity import Actor, Role
from usecases.lecturers import observations as O
from usecases.lecturers.after import figures_text
from usecases.lecturers.rules import LecturerReason
from usecases.messages import Choice, Document, Reply
from usecases.refusal import Refused
from vn.dates import format_time, format_when

__all__ = [
    "ROUTES",
    "comment",
    "my_ratings",
    "not_observed",
    "observe",
    "rate",
    "report",
    "schedule",
    "stats_replies",
]

STATS_LINES = 10  # per list in chat; the workbook has them all


async def schedule(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/lichday: the lecturer's own upcoming sessions."""
    sessions = await L.upcoming_for_lecturer(svc.db.uow(), actor, now=svc.clock.now())
    if not sessions:
        return Reply(T.NO_SESSIONS, choices=main_menu(actor, svc))
    tz = svc.settings.timezone
    lines = [T.SCHEDULE_HEADER.format(name=actor.name)]
    for s in sessions:
        fields = {
            "when": format_when(s.starts_at.astimezone(tz)),
            "end": format_time(s.ends_at.astimezone(tz).time()),
            "klass": s.class_name,
            "size": s.class_size,
            "topic": s.topic or T.TOPIC_UNKNOWN,
            "place": s.place or T.PLACE_UNKNOWN,
        }
        line = T.SESSION_CANCELLED_LINE if s.cancelled else T.SESSION_LINE
        lines.append(line.format(**fields))
    return Reply("\n".join(lines), choices=main_menu(actor, svc))


async def my_ratings(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/ykien: learners' ratings of the lecturer's own sessions, in aggregate only."""
    tz = svc.settings.timezone
    figures = await L.my_ratings(svc.db.uow(), actor=actor, tz=tz, now=svc.clock.now())
    if not figures:
        return Reply(T.NO_RATED_SESSIONS, choices=main_menu(actor, svc))
    lines = [T.MY_RATINGS_HEADER]
    for f in figures:
        when = format_when(f.starts_at.astimezone(tz))
        lines.append(
            T.MY_RATINGS_LINE.format(when=when, klass=f.class_name, figures=figures_text(f.summary))
        )
    return Reply("\n".join(lines), choices=main_menu(actor, svc))


async def rate(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """ "danhgia <session> <1-5>": a learner's rating; then an optional comment."""
    session_id = as_number(msg.args[0]) if msg.args else None
    score = as_number(msg.args[1]) if len(msg.args) > 1 else None
    if session_id is None or score is None:
        return Reply(T.RATE_COMMAND_HELP)
    await L.rate(svc.db.uow(), actor=actor, session_id=session_id, score=score, now=svc.clock.now())
    return Reply(
        T.RATE_THANKS.format(score=score), expect_input=f"gopy {session_id}", toast="⭐" * score
    )


async def comment(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """ "gopy <session>" completed by the learner's next free text: their comment."""
    session_id = as_number(msg.args[0]) if msg.args else None
    typed = " ".join(msg.args[1:]) or ("" if msg.text.startswith("/") else msg.text)
    if session_id is None or not typed.strip():
        return Reply(T.RATE_COMMAND_HELP)
    await L.comment(
        svc.db.uow(), actor=actor, session_id=session_id, text=typed, now=svc.clock.now()
    )
    return Reply(T.COMMENT_THANKS, choices=main_menu(actor, svc))


async def observe(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/dugio: the sessions one may observe; "dugio <session>" registers."""
    now, tz = svc.clock.now(), svc.settings.timezone
    session_id = as_number(msg.args[0]) if msg.args else None
    if session_id is None:
        sessions = await O.observable_sessions(svc.db.uow(), actor=actor, now=now)
        if not sessions:
            return Reply(T.OBSERVE_NONE, choices=main_menu(actor, svc))
        buttons = [
            [
                Choice(
                    f"{format_when(s.starts_at.astimezone(tz))} – {s.lecturer}",
                    f"dugio {s.session_id}",
                )
            ]
            for s in sessions
        ]
        return Reply(T.OBSERVE_LIST_HEADER, choices=Reply.rows(*buttons))
    found = await O.register(svc.db.uow(), actor=actor, session_id=session_id, now=now)
    return Reply(
        T.OBSERVE_REGISTERED.format(
            when=format_when(found.starts_at.astimezone(tz)),
            klass=found.class_name,
            lecturer=found.lecturer,
            session=found.session_id,
        ),
        choices=main_menu(actor, svc),
    )


async def report(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """ "nhanxet <session>": asks for the form, then files what the next text says."""
    session_id = as_number(msg.args[0]) if msg.args else None
    if session_id is None:
        raise Refused(LecturerReason.NOT_REGISTERED)
    typed = "" if msg.pressed or msg.text.startswith("/") else msg.text
    form = O.parse_form(typed) if typed else None
    if form is None:
        text = T.OBSERVE_BAD_FORM if typed else T.OBSERVE_ASK
        return Reply(text, expect_input=f"nhanxet {session_id}")
    name = await O.file_observation(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        form=form,
        settings=svc.settings,
        now=svc.clock.now(),
    )
    return Reply(T.OBSERVE_FILED.format(lecturer=name), choices=main_menu(actor, svc))


async def not_observed(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/chuadugio (staff): lecturers not observed this year."""
    year = svc.clock.now().astimezone(svc.settings.timezone).year
    names = await O.not_observed(
        svc.db.uow(), actor=actor, centre_id=svc.centre_id, year=year, settings=svc.settings
    )
    if not names:
        return Reply(T.ALL_OBSERVED.format(year=year), choices=main_menu(actor, svc))
    lines = [T.NOT_OBSERVED_HEADER.format(year=year, count=len(names))]
    lines += [f"• {name}" for name in names]
    return Reply("\n".join(lines), choices=main_menu(actor, svc))


async def stats_replies(
    actor: Actor, svc: Services, start: date, last: date, label: str
) -> list[Reply]:
    """For /thongke (staff): learners' ratings per lecturer and per topic for the period, as
    text and a workbook; nothing when no session of the period was rated."""
    report = await L.rating_report_between(
        svc.db.uow(),
        actor=actor,
        centre_id=svc.centre_id,
        start=start,
        end=last + timedelta(days=1),
        label=label,
        tz=svc.settings.timezone,
    )
    if not report.by_lecturer:
        return []
    lines = [T.STATS_HEADER.format(period=label)]
    for title, figures in (
        (T.STATS_BY_LECTURER, report.by_lecturer),
        (T.STATS_BY_TOPIC, report.by_topic),
    ):
        lines.append(title)
        lines += [
            T.STATS_LINE.format(
                label=x.label,
                average=f"{x.average:.1f}".replace(".", ","),
                count=x.count,
                sessions=x.sessions,
            )
            for x in figures[:STATS_LINES]
        ]
        if len(figures) > STATS_LINES:
            lines.append(T.STATS_MORE.format(count=len(figures) - STATS_LINES))
    workbook = Document(
        f"y-kien-giang-vien-{start:%Y-%m}.xlsx",
        rating_report_xlsx(report, svc.settings.centre_name),
    )
    return [
        Reply("\n".join(lines)),
        Reply(T.STATS_XLSX_CAPTION.format(period=label), document=workbook),
    ]


_LECTURER = frozenset({Role.LECTURER})
_OBSERVERS = frozenset({Role.STAFF, Role.LECTURER})

# Listed in `handlers/routes.py` (one line), in this order in /help and the menu.
ROUTES: tuple[Route, ...] = (
    Route("lichday", schedule, _LECTURER, T.SCHEDULE_DESCRIPTION, T.SCHEDULE_BUTTON),
    Route("ykien", my_ratings, _LECTURER, T.RATINGS_DESCRIPTION, T.RATINGS_BUTTON),
    Route("danhgia", rate, frozenset({Role.LEARNER})),
    Route("gopy", comment, frozenset({Role.LEARNER})),
    Route("dugio", observe, _OBSERVERS, T.OBSERVE_DESCRIPTION),
    Route("nhanxet", report, _OBSERVERS, T.REPORT_DESCRIPTION),
    Route("chuadugio", not_observed, frozenset({Role.STAFF}), T.NOT_OBSERVED_DESCRIPTION),
)
