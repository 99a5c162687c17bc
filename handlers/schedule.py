"""/lichhoc: a person's upcoming sessions."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, main_menu
from texts import schedule as T
from usecases.identity import Actor
from usecases.messages import Reply
from usecases.schedule import ClassSchedule, SessionView, upcoming_for
from vn.dates import format_time, format_when


async def show(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    classes = await upcoming_for(svc.db.uow(), actor, now=svc.clock.now())
    if not classes:
        return Reply(T.NO_CLASSES, choices=main_menu(actor, svc))
    text = "\n\n".join(render_class(c, svc) for c in classes)
    return Reply(text, choices=main_menu(actor, svc))


def render_class(schedule: ClassSchedule, svc: Services) -> str:
    lines = [T.CLASS_HEADER.format(name=schedule.name)]
    lines += [render_session(s, svc) for s in schedule.sessions] or [T.NO_UPCOMING]
    if schedule.remaining:
        lines.append(T.REMAINING.format(count=schedule.remaining))
    return "\n".join(lines)


def render_session(s: SessionView, svc: Services) -> str:
    tz = svc.settings.timezone
    number = T.SESSION_NUMBER.format(number=s.number) if s.number else ""
    when = format_when(s.starts_at.astimezone(tz))
    topic = s.topic or T.TOPIC_UNKNOWN
    if s.cancelled:
        return T.SESSION_CANCELLED.format(number=number, when=when, topic=topic)
    line = T.SESSION.format(
        number=number,
        when=when,
        end=format_time(s.ends_at.astimezone(tz).time()),
        topic=topic,
        place=s.place or T.PLACE_UNKNOWN,
    )
    return line + (T.LECTURER.format(lecturer=s.lecturer) if s.lecturer else "")
