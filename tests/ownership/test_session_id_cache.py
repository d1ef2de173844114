"""SessionId: the derived text and hash always agree with the UUID it wraps."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import uuid

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.ownership import SessionId


@given(st.uuids())
def test_session_id_cache_text_hash_and_equality_follow_the_uuid(value: uuid.UUID) -> None:
    """str, repr, hash and equality are those of the wrapped UUID, also after copies."""
    sid = SessionId(value)
    for twin in (SessionId(uuid.UUID(str(value))), pickle.loads(pickle.dumps(sid)),
                 copy.deepcopy(sid)):  # fmt: skip
        assert twin == sid and hash(twin) == hash(sid) and str(twin) == str(value)
    assert repr(sid) == f"SessionId({str(value)!r})"
    assert {sid: 1}[SessionId(value)] == 1


def test_session_id_cache_replace_recomputes_text() -> None:
    """dataclasses.replace gives an id whose text and hash match its new UUID."""
    sid = dataclasses.replace(SessionId(uuid.UUID(int=1)), value=uuid.UUID(int=2))
    assert str(sid) == str(uuid.UUID(int=2)) and sid == SessionId(uuid.UUID(int=2))
    assert hash(sid) == hash(SessionId(uuid.UUID(int=2)))
