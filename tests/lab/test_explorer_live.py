"""The explorer as a live instrument: undo, loops, payload checks, words, moves, the run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_kit.lab import AttackKind, ExplorerModel, World, load_bundled
from aura_kit.lab.explorer_moves import MoveKind
from aura_kit.lab.inputs import InvalidPayload
from aura_kit.view.sequence import ArrowStatus, RowKind, timeline_sequence_view


def opened(name: str = "TwoBuyer", policy: str = "kit") -> ExplorerModel:
    model = ExplorerModel.for_name(name, policy=policy)
    assert model.open().ok
    return model


def test_explorer_back_undoes_the_whole_play() -> None:
    """One step back after Play returns to the state right after Open."""
    model = opened()
    before = (model.status_line(), model.passes, len(model.journal.rows))
    assert model.play().ok and model.complete
    assert [name for name, _ in model.history] == ["play"]
    assert model.back().ok
    assert (model.status_line(), model.passes, len(model.journal.rows)) == before


def test_explorer_back_right_after_open_keeps_the_sessions() -> None:
    """Back with nothing done since Open says so and closes nothing."""
    model = opened()
    result = model.back()
    assert not result.ok and "since the sessions were opened" in result.message
    assert model.is_open and model.passes == 0


def test_explorer_actions_that_change_nothing_are_not_recorded() -> None:
    """A step on a complete run, a refused choice or payload leave the history alone."""
    model = opened()
    assert not model.queue_choice("Buyer2", "Maybe").ok
    assert not model.queue_payload("Buyer1", "42").ok
    assert model.history == []
    model.play()
    assert not model.step().ok
    assert [name for name, _ in model.history] == ["play"]


def test_explorer_step_with_nothing_to_do_runs_no_pass() -> None:
    """When no role can move, a step says who waits for what and changes nothing."""
    model = opened("PingPong")
    model.world.queue("Client", payloads=[b'"not an int"'])  # past the explorer's check
    model.step()
    clock = model.world.clock
    result = model.step()
    assert not result.ok and "no role can move" in result.message
    assert "Server waits for Client's Ping" in result.message
    assert model.world.clock == clock


@pytest.mark.parametrize(
    ("name", "role", "exit_label"),
    [("Adder", "Client", "Quit"), ("RingChoice", "A", "Stop"), ("Streaming", "Source", "Done")],
)
def test_explorer_play_stops_at_a_loop_and_names_the_way_out(
    name: str, role: str, exit_label: str
) -> None:
    """Play on a recursive protocol stops when the run repeats and names the ending choice."""
    model = opened(name)
    result = model.play()
    assert not result.ok and "loop" in result.message
    assert f"{exit_label} for {role}" in result.message
    assert model.passes < 50


def test_explorer_queueing_the_named_choice_ends_the_loop() -> None:
    """After Play stops at Adder's loop, queueing Quit lets the next Play complete."""
    model = opened("Adder")
    model.play()
    assert model.queue_choice("Client", "Quit").ok
    assert model.play().ok and model.complete


def test_explorer_refused_attack_is_one_plain_line() -> None:
    """A refused attack reads as words with the error's name, without Python reprs."""
    model = opened()
    model.attenuate("Seller")
    result = model.attack(AttackKind.WRONG_BOUNDARY, "Seller")
    assert result.ok and result.message.startswith("Refused, as it should be:")
    assert "BoundaryScopeRejected" in result.message
    for python_repr in ("LinkBoundary(", "frozenset(", "Scope(", "SessionId("):
        assert python_repr not in result.message


def test_explorer_stale_attack_names_the_generations() -> None:
    """The stale-handle refusal says which generation was shown and which one owns now."""
    model = opened()
    model.transfer("Seller")
    message = model.attack(AttackKind.STALE_HANDLE, "Seller").message
    assert "generation 1" in message and "generation 2" in message


def test_explorer_payload_of_the_wrong_sort_is_refused() -> None:
    """An int for Title(str) is refused with a short typed error; nothing is queued."""
    model = opened()
    result = model.queue_payload("Buyer1", "42")
    assert isinstance(result.error, InvalidPayload) and result.error.role == "Buyer1"
    assert "Title(str)" in result.message and len(result.message) < 120
    assert model.world.session("Buyer1").handler.queued_payloads == ()


def test_explorer_payload_text_that_is_not_an_int_is_refused() -> None:
    """Text that is not JSON cannot be the Share(int) that Buyer1 sends after its Title."""
    model = opened()
    assert model.queue_payload("Buyer1", "Dune").ok  # plain text is fine for Title(str)
    result = model.queue_payload("Buyer1", "fifteen")
    assert not result.ok and "Share(int)" in result.message


def test_explorer_checked_payloads_are_the_ones_sent() -> None:
    """Accepted payloads reach the wire in order and the run completes."""
    model = opened()
    assert model.queue_payload("Buyer1", "Dune").ok
    assert model.queue_payload("Buyer1", "15").ok
    assert model.play().ok
    sent = {label: value for _, _, label, value in model.world.messages()}
    assert (sent["Title"], sent["Share"]) == ("Dune", 15)


def test_explorer_status_line_says_who_waits_for_what() -> None:
    """Status lines are words: who sends next and who waits for whose message."""
    model = opened()
    line = model.status_line()
    assert "Buyer1 is about to send Title to Seller" in line
    assert "Buyer2 waits for Seller's Quote" in line
    for internal in ("stuck", "deferred", "blocked_recv", "["):
        assert internal not in line


def test_explorer_enabled_moves_after_open() -> None:
    """Right after Open only Buyer1 can move: it sends its Title."""
    (move,) = opened().enabled_moves()
    assert (move.role, move.kind, move.label, move.peer) == (
        "Buyer1",
        MoveKind.SEND,
        "Title",
        "Seller",
    )


def test_explorer_take_does_that_one_move() -> None:
    """Taking the send puts Title on the wire and then Seller can take it in."""
    model = opened()
    (move,) = model.enabled_moves()
    assert model.take(move).ok
    assert [m[2] for m in model.world.messages()] == ["Title"]
    (receive,) = model.enabled_moves()
    assert (receive.role, receive.kind, receive.label) == ("Seller", MoveKind.RECEIVE, "Title")


def test_explorer_select_moves_offer_each_label() -> None:
    """When Buyer2 decides, its moves are one per label, and taking Reject sends Reject."""
    model = opened()
    while not any(m.kind is MoveKind.SELECT for m in model.enabled_moves()):
        assert model.take(model.enabled_moves()[0]).ok
    selects = [m for m in model.enabled_moves() if m.kind is MoveKind.SELECT]
    assert {m.label for m in selects} == {"Accept", "Reject"}
    assert model.take(next(m for m in selects if m.label == "Reject")).ok
    assert model.world.messages()[-1][2] == "Reject"


def test_explorer_take_refuses_a_move_that_is_not_enabled() -> None:
    """A move that is not possible now is refused and not recorded."""
    model = opened()
    (move,) = model.enabled_moves()
    model.take(move)
    result = model.take(move)
    assert not result.ok and "not possible now" in result.message
    assert len(model.history) == 1


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(["TwoBuyer", "EpochRotation", "AuthHandshake", "Ring"]),
    picks=st.lists(st.integers(min_value=0, max_value=5), min_size=40, max_size=40),
)
def test_explorer_any_schedule_of_moves_completes(name: str, picks: list[int]) -> None:
    """Whatever order the student picks moves in, a finite protocol runs to the end."""
    model = opened(name)
    for pick in picks:
        moves = model.enabled_moves()
        if not moves:
            break
        assert model.take(moves[pick % len(moves)]).ok
    assert model.complete and model.enabled_moves() == []


def test_explorer_step_back_after_a_take_is_exact() -> None:
    """A step back after a taken move restores the status and the wire."""
    model = opened()
    model.take(model.enabled_moves()[0])
    before = (model.status_line(), model.world.messages())
    model.take(model.enabled_moves()[0])
    assert model.back().ok
    assert (model.status_line(), model.world.messages()) == before


def test_explorer_run_view_pairs_each_send_with_its_receive() -> None:
    """A completed TwoBuyer run has every arrow delivered, none in flight."""
    model = opened()
    model.play()
    view = timeline_sequence_view(model.world.run_timeline())
    assert [a.label for a in view.arrows] == ["Title", "Quote", "Quote", "Share", "Accept", "Date"]
    assert {a.status for a in view.arrows} == {ArrowStatus.DELIVERED}
    assert view.lifelines == ("Buyer1 @ buyer1", "Buyer2 @ buyer2", "Seller @ seller")


def test_explorer_run_view_shows_a_message_in_flight() -> None:
    """After Buyer1's send only, the Title arrow is in flight."""
    model = opened()
    model.take(model.enabled_moves()[0])
    (arrow,) = timeline_sequence_view(model.world.run_timeline()).arrows
    assert (arrow.label, arrow.status, arrow.end_row) == ("Title", ArrowStatus.IN_FLIGHT, None)


def test_explorer_run_view_notes_owner_changes_and_refusals_where_they_happen() -> None:
    """A transfer and a refused attack are notes on the seller's lifeline."""
    model = opened()
    model.transfer("Seller")
    model.attack(AttackKind.STALE_HANDLE, "Seller")
    rows = timeline_sequence_view(model.world.run_timeline()).rows
    notes = [(r.kind, r.roles, r.text) for r in rows if "Seller" in r.roles]
    assert (RowKind.EVENT, ("Seller",), "owner → seller-delegate1 · gen 2") in notes
    assert any(kind is RowKind.DROP and "stale handle" in text for kind, _, text in notes)


def test_explorer_run_figure_grows_pass_by_pass() -> None:
    """The run figure's text gains a line as messages are sent."""
    model = opened()
    sizes = []
    for _ in range(4):
        model.step()
        sizes.append(len(model.run_figure().text.splitlines()))
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]


def test_explorer_run_timeline_works_for_any_world() -> None:
    """A World driven without the explorer has the same one-diagram run."""
    world = World(load_bundled("PingPong"), {"c": "Client", "s": "Server"})
    world.open_all()
    world.queue("Client", payloads=[7])
    world.queue("Server", payloads=[8])
    world.run()
    view = timeline_sequence_view(world.run_timeline())
    assert [(a.label, a.status) for a in view.arrows] == [
        ("Ping", ArrowStatus.DELIVERED),
        ("Pong", ArrowStatus.DELIVERED),
    ]


def test_explorer_for_protocol_takes_text_a_protocol_or_a_name() -> None:
    """``for_protocol`` opens .choreo text, a Protocol value and a bundled name alike."""
    text = "protocol Hi(A, B) {\n  A -> B: Hello(int)\n}"
    assert ExplorerModel.for_protocol(text).protocol.name == "Hi"
    protocol = load_bundled("Ring")
    assert ExplorerModel.for_protocol(protocol).protocol is protocol
    assert ExplorerModel.for_protocol("PingPong").protocol.name == "PingPong"


def test_explorer_policy_switch_replays_the_actions() -> None:
    """``with_policy`` keeps the protocol, session id and actions under the other policy."""
    model = opened()
    model.step()
    model.transfer("Seller")
    seed = model.with_policy("seed")
    assert seed.session_id == model.session_id and seed.history == model.history
    assert seed.status_line() == model.status_line()


def test_explorer_attack_says_what_the_seed_would_have_done() -> None:
    """Under the kit's policy the attack line adds the seed's verdict for the same attempt."""
    model = opened()
    message = model.attack(AttackKind.FORGED_CAPABILITY, "Buyer1").message
    assert "The seed" in message
    assert model.with_policy("seed").seed_verdict(AttackKind.FORGED_CAPABILITY, "Buyer1") is None


def test_explorer_replay_keeps_the_journal_passes() -> None:
    """After a step back, the journal rows carry the passes they had before."""
    model = opened()
    model.step()
    model.step()
    before = [row[1] for row in model.event_rows()]
    model.transfer("Seller")
    model.back()
    assert [row[1] for row in model.event_rows()] == before


def test_explorer_play_rows_keep_their_passes() -> None:
    """Journal rows made during one Play carry the pass they happened in, not the last."""
    model = opened()
    model.play()
    passes = {row[1] for row in model.event_rows()}
    assert {0, 1, model.passes} <= passes and len(passes) > 3
