"""The Storage interface, method by method, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from assistant.storage import Reminder, StorageError, open_storage, retention_days
from assistant.storage.schema import feedback
from assistant.storage.sql import MAX_QUESTION_TEXT

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def log(store: Any, at: datetime = NOW, **overrides: Any) -> int:
    values: dict[str, Any] = dict(
        at=at,
        platform="telegram",
        scope="telegram",
        programme="enjmin",
        language="fr",
        decision="answer",
        topic="deadline",
        confidence=0.9,
        text="date limite ?",
    )
    values.update(overrides)
    return store.log_question(**values)


def handover(store: Any, user: str = "telegram:7", **overrides: Any) -> int:
    values: dict[str, Any] = dict(
        user=user,
        chat="7",
        platform="telegram",
        programme="iim",
        language="fr",
        question="Puis-je candidater avec un bac pro ?",
        transcript=[{"from": "user", "text": "bonjour"}, {"from": "bot", "text": "Bonjour !"}],
    )
    values.update(overrides)
    return store.add_handover(**values)


# preferences, profiles, settings ------------------------------------------------------------------------


def test_prefs_merge_and_none_removes_a_key(store: Any) -> None:
    assert store.get_prefs("telegram:1") == {}
    store.set_prefs("telegram:1", language="fr")
    store.set_prefs("telegram:1", programme="iim")
    assert store.get_prefs("telegram:1") == {"language": "fr", "programme": "iim"}
    store.set_prefs("telegram:1", language=None)
    assert store.get_prefs("telegram:1") == {"programme": "iim"}
    store.set_prefs("telegram:1", programme=None)
    assert store.get_prefs("telegram:1") == {}
    assert store.get_prefs("telegram:2") == {}


def test_profiles_and_settings_round_trip(store: Any) -> None:
    assert store.get_profile("discord:1") is None
    store.save_profile(
        "discord:1", {"programme": "enjmin", "diplomas": ["bac"], "when": datetime(2026, 1, 1)}
    )
    store.save_profile("discord:1", {"programme": "iim"})
    assert store.get_profile("discord:1") == {"programme": "iim"}

    assert store.get_setting("discord:guild:1", "programme", "none") == "none"
    store.set_setting("discord:guild:1", "programme", "enjmin")
    store.set_setting("discord:guild:1", "cooldown_user", 12.5)
    store.set_setting("discord:guild:1", "programme", "iim")
    assert store.get_setting("discord:guild:1", "programme") == "iim"
    assert store.get_setting("discord:guild:1", "cooldown_user") == 12.5
    store.set_setting("discord:guild:1", "programme", None)
    assert store.get_setting("discord:guild:1", "programme") is None
    store.set_setting("telegram:chat:-5", "flags", {"a": [1, 2]})
    assert store.get_setting("telegram:chat:-5", "flags") == {"a": [1, 2]}


# reminders --------------------------------------------------------------------------------------------


def test_reminders_are_stored_once_in_utc_and_listed_in_time_order(store: Any) -> None:
    later = store.add_reminder(
        "telegram:1", "1", "enjmin", "deadline", datetime(2026, 1, 16, 10, tzinfo=PARIS), "fr"
    )
    soon = store.add_reminder(
        "telegram:1", "1", "enjmin", "interview", datetime(2026, 1, 16, 8, tzinfo=UTC), "fr"
    )
    # the same instant spelled in another time zone is the same reminder
    again = store.add_reminder(
        "telegram:1", "1", "enjmin", "deadline", datetime(2026, 1, 16, 9, tzinfo=UTC), "fr"
    )
    other = store.add_reminder(
        "discord:2", "dm:2", "iim", "deadline", datetime(2026, 1, 15, tzinfo=UTC), "en"
    )
    assert again == later
    assert [r.id for r in store.reminders()] == [other, soon, later]
    first = store.reminders("telegram:1")[1]
    assert first == Reminder(
        later, "telegram:1", "1", "enjmin", "deadline", datetime(2026, 1, 16, 9, tzinfo=UTC), "fr"
    )
    assert first.fire_at.utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="time-zone aware"):
        store.add_reminder("telegram:1", "1", "enjmin", "x", datetime(2026, 1, 16), "fr")

    store.remove_reminder(soon)
    assert [r.id for r in store.reminders("telegram:1")] == [later]
    assert store.remove_reminders("telegram:1") == 1
    assert store.remove_reminders("telegram:1") == 0
    assert [r.id for r in store.reminders()] == [other]


def test_claims_hand_each_due_reminder_once_and_stale_claims_return(store: Any) -> None:
    base = datetime(2026, 1, 16, 9, tzinfo=UTC)
    ids = [
        store.add_reminder(f"telegram:{i}", str(i), "enjmin", "deadline", base + timedelta(minutes=i), "fr")
        for i in range(5)
    ]
    discord = store.add_reminder("discord:9", "dm:9", "iim", "deadline", base, "en")
    future = store.add_reminder("telegram:9", "9", "enjmin", "deadline", base + timedelta(days=1), "fr")

    now = base + timedelta(minutes=3)
    first = store.claim_due_reminders(now, "a", limit=2, platform="telegram")
    assert [r.id for r in first] == ids[:2]
    second = store.claim_due_reminders(now, "b", platform="telegram")
    assert [r.id for r in second] == ids[2:4]
    assert store.claim_due_reminders(now, "c", platform="telegram") == []
    assert [r.id for r in store.claim_due_reminders(now, "d", platform="discord")] == [discord]

    # claimed reminders are still pending until completed; completing removes them
    assert {r.id for r in store.reminders()} == {*ids, discord, future}
    for reminder in first:
        store.complete_reminder(reminder.id)
    store.release_reminder(second[0].id)  # a worker stopping gives one back
    assert [r.id for r in store.claim_due_reminders(now, "e")] == [second[0].id]
    store.complete_reminder(second[0].id)

    # "b" died holding ids[3]: it stays b's until the claim timeout (10 minutes), then is claimed again
    assert [r.id for r in store.claim_due_reminders(now + timedelta(minutes=9), "f")] == [ids[4]]
    retaken = store.claim_due_reminders(now + timedelta(minutes=11), "g", platform="telegram")
    assert [r.id for r in retaken] == [ids[3]]
    assert {r.id for r in store.reminders()} == {ids[3], ids[4], discord, future}
    with pytest.raises(ValueError):
        store.claim_due_reminders(datetime(2026, 1, 16), "g")


# question log, feedback, statistics -------------------------------------------------------------------


def test_log_question_masks_and_shortens_the_text_and_keeps_no_user(store: Any) -> None:
    long = "Bonjour, écrivez-moi à jane.doe@example.fr ou au +33 6 12 34 56 78. " + "blabla " * 80
    qid = log(store, text=long)
    [row] = store.questions(None, None)
    assert row["id"] == qid
    assert row["text"].startswith("Bonjour, écrivez-moi à [email] ou au [phone]. blabla")
    assert len(row["text"]) <= MAX_QUESTION_TEXT
    assert "example" not in row["text"] and "12 34" not in row["text"]
    assert row["at"] == NOW and row["confidence"] == pytest.approx(0.9)
    assert set(row) == {
        "id", "at", "platform", "scope", "programme", "language", "decision", "topic", "confidence", "text",
    }  # fmt: skip


def test_questions_filter_by_time_and_programme(store: Any) -> None:
    a = log(store, at=NOW - timedelta(days=2), programme="iim")
    b = log(store, at=NOW - timedelta(days=1))
    c = log(store, at=NOW)
    assert [q["id"] for q in store.questions(NOW - timedelta(days=2), NOW)] == [a, b]  # until excluded
    assert [q["id"] for q in store.questions(NOW - timedelta(days=1), None)] == [b, c]
    assert [q["id"] for q in store.questions(None, None, programme="iim")] == [a]
    assert [q["id"] for q in store.questions(NOW.astimezone(PARIS), None)] == [c]


def test_record_is_a_wrapper_and_stats_keep_their_keys(store: Any) -> None:
    scope = "discord:guild:42"
    store.record(scope, "answer", "deadline", "date limite ?")
    store.record(scope, "answer", "deadline", "deadline?")
    store.record(scope, "answer", "fees", "combien ça coûte")
    store.record(scope, "clarify", None, "euh   et   après")
    store.record(scope, "decline", None, "euh et après")
    store.record("discord:dm", "answer", "fees", "other scope")
    store.record_feedback(scope, "m1", "deadline", True)
    store.record_feedback(scope, "m2", "fees", True)
    store.record_feedback(scope, "m2", "fees", False)  # changed their mind: the last vote counts
    stats = store.stats(scope)
    assert stats == {
        "answered": 3,
        "clarified": 1,
        "declined": 1,
        "top_questions": [("deadline", 2), ("fees", 1)],
        "top_unanswered": [("euh et après", 2)],
        "helpful": 1,
        "not_helpful": 1,
    }
    [row] = [q for q in store.questions(None, None) if q["scope"] == "discord:dm"]
    assert row["platform"] == "discord" and row["language"] is None and row["confidence"] is None
    assert store.stats("telegram", top=1)["answered"] == 0


def test_feedback_links_to_its_question_when_known(store: Any) -> None:
    qid = log(store)
    store.record_feedback("telegram", "m1", "deadline", True, question_id=qid)
    store.record_feedback("telegram", "m2", None, False, question_id=987654)  # unknown: not linked
    store.record_feedback("telegram", "m1", "deadline", False)  # a later vote keeps the link
    rows = {r["message_ref"]: r for r in store.feedback_rows(None, None)}
    assert rows["m1"]["question_id"] == qid and rows["m1"]["helpful"] is False
    assert rows["m2"]["question_id"] is None and rows["m2"]["helpful"] is False
    assert rows["m1"]["at"].tzinfo is not None
    assert store.feedback_rows(datetime.now(UTC) + timedelta(minutes=1), None) == []


def test_feedback_keeps_the_time_it_was_given(store: Any) -> None:
    qid = log(store, at=NOW - timedelta(days=3))
    store.record_feedback("telegram", "m1", "deadline", False, question_id=qid, at=NOW - timedelta(days=2))
    store.record_feedback("telegram", "m2", "deadline", True, at=NOW)
    assert [r["message_ref"] for r in store.feedback_rows(None, NOW)] == ["m1"]
    assert [r["message_ref"] for r in store.feedback_rows(NOW - timedelta(days=1), None)] == ["m2"]
    with pytest.raises(ValueError, match="aware"):
        store.record_feedback("telegram", "m3", None, True, at=datetime(2026, 1, 10))


def test_questions_by_id_finds_the_kept_questions_feedback_points_to(store: Any) -> None:
    ids = [log(store, at=NOW - timedelta(minutes=n), text=f"question {n}") for n in range(1100)]
    found = store.questions_by_id([*ids, 987654, ids[3]])  # three IN batches, an unknown id, a repeat
    assert sorted(found) == sorted(ids)
    assert found[ids[700]]["text"] == "question 700" and found[ids[700]]["at"].tzinfo is not None
    wanted = [ids[0], ids[700], ids[1099], 987654]  # in different batches
    assert set(store.questions_by_id(wanted)) == {ids[0], ids[700], ids[1099]}
    assert store.questions_by_id([]) == {}


# handovers --------------------------------------------------------------------------------------------


def test_handover_lifecycle(store: Any) -> None:
    hid = handover(store)
    other = handover(store, user="discord:8", platform="discord", chat="dm:8", transcript="plain text")
    got = store.get_handover(hid)
    assert got["status"] == "open" and got["user"] == "telegram:7" and got["answer"] is None
    assert got["transcript"] == [{"from": "user", "text": "bonjour"}, {"from": "bot", "text": "Bonjour !"}]
    assert store.get_handover(other)["transcript"] == "plain text"
    assert store.get_handover(123456) is None

    store.set_handover_staff_ref(hid, "telegram:staff:-100:55")
    assert store.find_handover_by_staff_ref("telegram:staff:-100:55")["id"] == hid
    assert store.find_handover_by_staff_ref("nope") is None
    with pytest.raises(ValueError, match="already used"):
        store.set_handover_staff_ref(other, "telegram:staff:-100:55")

    answered_at = datetime(2026, 1, 11, 9, tzinfo=PARIS)
    assert store.answer_handover(hid, "Oui, sur dossier.", answered_at) is True
    assert store.answer_handover(999999, "?", answered_at) is False
    got = store.get_handover(hid)
    assert got["status"] == "answered" and got["answer"] == "Oui, sur dossier."
    assert got["answered_at"] == answered_at
    assert [h["id"] for h in store.handovers(status="open")] == [other]
    assert [h["id"] for h in store.handovers(status="answered")] == [hid]
    assert [h["id"] for h in store.handovers()] == [hid, other]
    assert [h["id"] for h in store.handovers(user="discord:8")] == [other]
    assert store.handovers(status="open", user="telegram:7") == []
    assert store.handovers(since=datetime.now(UTC) + timedelta(minutes=1)) == []
    with pytest.raises(ValueError):
        store.handovers(status="closed")


# retention, forget ------------------------------------------------------------------------------------


def test_purge_deletes_exactly_what_is_older_than_the_retention(store: Any) -> None:
    assert store.retention == timedelta(days=90)
    cutoff = NOW - timedelta(days=90)
    old_q = log(store, at=cutoff - timedelta(microseconds=1))
    kept_q = log(store, at=cutoff)
    new_q = log(store, at=NOW)
    store.record_feedback("telegram", "old", None, True, question_id=old_q)
    store.record_feedback("telegram", "new", None, True, question_id=new_q)
    old_h = handover(store, at=cutoff - timedelta(seconds=1))
    kept_h = handover(store, at=cutoff + timedelta(seconds=1))
    # feedback is dated when given (now): date it as if given earlier
    with store.engine.begin() as conn:
        for ref, at in (("old", cutoff - timedelta(days=1)), ("new", cutoff)):
            conn.execute(sa.update(feedback).where(feedback.c.message_ref == ref).values(at=at))

    assert store.purge(NOW) == {"feedback": 1, "questions": 1, "handovers": 1}
    assert [q["id"] for q in store.questions(None, None)] == [kept_q, new_q]
    assert [f["message_ref"] for f in store.feedback_rows(None, None)] == ["new"]
    assert [h["id"] for h in store.handovers()] == [kept_h]
    assert store.get_handover(old_h) is None
    assert store.purge(NOW) == {"feedback": 0, "questions": 0, "handovers": 0}


def test_purge_leaves_feedback_whose_question_went(store: Any) -> None:
    old_q = log(store, at=NOW - timedelta(days=100))
    store.record_feedback("telegram", "m", None, True, question_id=old_q)  # recent feedback, old question
    assert store.purge(NOW)["questions"] == 1
    [row] = store.feedback_rows(None, None)
    assert row["question_id"] is None


def test_retention_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_RETENTION_DAYS", " 7 ")
    with open_storage(db_url) as store:
        assert store.retention == timedelta(days=7)
        log(store, at=NOW - timedelta(days=8))
        log(store, at=NOW - timedelta(days=6))
        assert store.purge(NOW)["questions"] == 1
    for bad in ("0", "-3", "ninety", "9.5"):
        monkeypatch.setenv("CANDIDATE_ASSISTANT_RETENTION_DAYS", bad)
        with pytest.raises(StorageError, match="CANDIDATE_ASSISTANT_RETENTION_DAYS"):
            open_storage(db_url)
    monkeypatch.setenv("CANDIDATE_ASSISTANT_RETENTION_DAYS", "")
    assert retention_days() == 90


def test_forget_erases_everything_about_a_user(store: Any) -> None:
    user, other = "telegram:77", "telegram:78"
    for who in (user, other):
        store.set_prefs(who, language="en", programme="iim")
        store.save_profile(who, {"programme": "iim"})
        store.add_reminder(who, who[9:], "iim", "deadline", NOW + timedelta(days=3), "en")
        handover(store, user=who)
    qid = log(store)
    store.record_feedback("telegram", "m", None, True, question_id=qid)

    store.forget(user)
    assert store.get_prefs(user) == {} and store.get_profile(user) is None
    assert store.reminders(user) == []
    assert [h["user"] for h in store.handovers()] == [other]
    # and nothing else in the database names them
    with store.engine.connect() as conn:
        inspector = sa.inspect(conn)
        for name in inspector.get_table_names():
            table = sa.table(name, *(sa.column(c["name"]) for c in inspector.get_columns(name)))
            for row in conn.execute(sa.select(table)):
                assert user not in " ".join(map(str, row)), (name, row)
    # the other user and the anonymous log are untouched
    assert store.get_prefs(other) == {"language": "en", "programme": "iim"}
    assert store.reminders(other) and store.get_profile(other)
    assert len(store.questions(None, None)) == 1 and len(store.feedback_rows(None, None)) == 1


def test_a_closed_storage_can_be_reopened_with_its_data(db_url: str) -> None:
    with open_storage(db_url) as store:
        store.set_prefs("discord:1", language="en")
        rid = store.add_reminder("discord:1", "dm:1", "iim", "deadline", NOW, "en")
    with open_storage(db_url) as store:
        assert store.get_prefs("discord:1") == {"language": "en"}
        assert [r.id for r in store.reminders()] == [rid]
