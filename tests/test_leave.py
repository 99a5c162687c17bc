"""Leave requests: a learner asks with a reason, staff are told with one-tap buttons, staff
approve or refuse once, the learner hears back through the outbox, approval marks excused."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.database import Database
from db.models import Attendance, LeaveRequest, Notification, Session
from tests.conftest import TZ, SampleClass
from tests.test_attendance import ATT, FIRST, SETTINGS, World, actor, code_of, make_world
from usecases import attendance as A
from usecases import leave as L
from usecases.attendance import AttendanceReason
from usecases.identity import Actor
from usecases.leave import LeaveReason as S
from usecases.refusal import Refused


@pytest.fixture
async def world(database: Database, sample_class: SampleClass) -> World:
    return await make_world(database, sample_class)


EVE = FIRST - timedelta(hours=13)


async def ask(
    w: World, i: int, reason: str, session_index: int = 0, at: datetime = EVE
) -> L.Requested:
    return await L.request_leave(
        w.db.uow(),
        actor=w.learner(i),
        session_id=w.sessions[session_index],
        reason=reason,
        now=at,
        settings=ATT,
        tz=TZ,
    )


async def refusal_of(asking: Awaitable[object]) -> str:
    """Why the request was refused ("" if it was not)."""
    try:
        await asking
    except Refused as no:
        return no.reason
    return ""


async def decide(w: World, request_id: int, approve: bool, who: Actor | None = None) -> L.Decision:
    return await L.decide_leave(
        w.db.uow(),
        actor=who or w.staff,
        request_id=request_id,
        approve=approve,
        now=EVE + timedelta(hours=1),
        settings=ATT,
        tz=TZ,
    )


async def notices(db: Database, kind: str) -> list[Notification]:
    async with db.uow() as uow:
        return list(
            await uow.session.scalars(select(Notification).where(Notification.kind == kind))
        )


async def mark_of(w: World, i: int, session_index: int = 0) -> str | None:
    async with w.db.uow() as uow:
        return await uow.session.scalar(
            select(Attendance.status).where(
                Attendance.session_id == w.sessions[session_index],
                Attendance.person_id == w.learners[i],
            )
        )


async def test_a_learner_sees_the_sessions_they_may_ask_leave_for(world: World) -> None:
    offered = await L.leave_sessions(world.db.uow(), actor=world.learner(3), now=EVE, settings=ATT)
    assert [s.id for s in offered] == world.sessions[: len(offered)]
    assert 1 <= len(offered) <= 6


async def test_a_request_reaches_staff_with_approve_and_refuse_buttons(world: World) -> None:
    out = await ask(world, 3, "Ốm, có giấy của trạm y tế xã")
    assert out.request_id is not None
    staff_notes = await notices(world.db, "leave_request")
    assert [n.person_id for n in staff_notes] == [world.staff.person_id]
    assert "Ốm, có giấy của trạm y tế xã" in staff_notes[0].text
    assert staff_notes[0].choices == [
        [
            ["✅ Duyệt", f"duyetphep {out.request_id} y"],
            ["❌ Không duyệt", f"duyetphep {out.request_id} n"],
        ]
    ]
    queue = await L.pending_leave(world.db.uow(), actor=world.staff, settings=ATT)
    assert [(q.id, q.reason) for q in queue] == [(out.request_id, "Ốm, có giấy của trạm y tế xã")]


async def test_approval_tells_the_learner_and_marks_the_session_excused(world: World) -> None:
    out = await ask(world, 3, "Việc gia đình")
    assert out.request_id is not None
    decided = await decide(world, out.request_id, True)
    assert decided.approved
    assert await mark_of(world, 3) == "excused"
    told = await notices(world.db, "leave_decision")
    assert [n.person_id for n in told] == [world.learners[3]]
    assert "đã được duyệt" in told[0].text
    # The session closes later: an excused learner triggers no unit alert.
    report = await A.close_session(
        world.db.uow(),
        session_id=world.sessions[0],
        now=FIRST + timedelta(hours=4),
        settings=SETTINGS,
    )
    assert world.learners[3] not in report.absent_ids


async def test_refusal_tells_the_learner_and_changes_no_mark(world: World) -> None:
    out = await ask(world, 4, "Đi đám cưới")
    assert out.request_id is not None
    decided = await decide(world, out.request_id, False)
    assert not decided.approved
    assert await mark_of(world, 4) is None
    told = await notices(world.db, "leave_decision")
    assert "không được duyệt" in told[0].text
    async with world.db.uow() as uow:
        request = await uow.session.get(LeaveRequest, out.request_id)
        assert request is not None and request.status == "refused"
        assert request.decided_by == world.staff.person_id


async def test_a_request_is_decided_once(world: World) -> None:
    out = await ask(world, 4, "Đi công tác")
    assert out.request_id is not None
    await decide(world, out.request_id, True)
    again = await refusal_of(decide(world, out.request_id, False))
    assert again == S.ALREADY_APPROVED_BY_STAFF
    assert await mark_of(world, 4) == "excused"
    assert len(await notices(world.db, "leave_decision")) == 1


async def test_only_staff_of_the_centre_decide(world: World) -> None:
    out = await ask(world, 5, "Ốm")
    assert out.request_id is not None
    with pytest.raises(Refused) as caught:
        await decide(world, out.request_id, True, who=world.monitor)
    assert caught.value.reason == AttendanceReason.DENIED
    assert await mark_of(world, 5) is None


async def test_asking_twice_or_without_a_reason_or_too_late_is_answered(world: World) -> None:
    assert await refusal_of(ask(world, 6, "")) == S.REASON_TOO_SHORT
    assert await refusal_of(ask(world, 6, "Ốm nặng")) == ""
    assert await refusal_of(ask(world, 6, "Ốm nặng lắm")) == S.ALREADY_PENDING
    late = ask(world, 7, "Quên mất", at=FIRST + timedelta(hours=5))
    assert await refusal_of(late) == S.TOO_LATE
    other = L.request_leave(
        world.db.uow(),
        actor=actor(world.other_learner, world.other_class),
        session_id=world.sessions[0],
        reason="Không học lớp này",
        now=EVE,
        settings=ATT,
        tz=TZ,
    )
    assert await refusal_of(other) == S.NOT_ENROLLED


async def test_a_learner_who_came_anyway_stays_present(world: World) -> None:
    out = await ask(world, 8, "Có thể bận")
    assert out.request_id is not None
    code = await code_of(world)
    await A.check_in(world.db.uow(), actor=world.learner(8), code=code, now=FIRST, settings=ATT)
    await decide(world, out.request_id, True)
    assert await mark_of(world, 8) == "present"


async def test_no_leave_for_a_cancelled_session(world: World) -> None:
    async with world.db.uow() as uow:
        await uow.session.execute(
            update(Session).where(Session.id == world.sessions[1]).values(status="cancelled")
        )
        await uow.commit()
    assert await refusal_of(ask(world, 9, "Ốm", session_index=1)) == S.CANCELLED
