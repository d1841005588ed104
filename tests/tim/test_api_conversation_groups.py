"""client.conversation groups and marks against the sandbox over HTTP."""
import pytest

from console.tim.api.conversation_groups import FAVORITE, FOLDED, UNREAD, ConversationRef, MarkChange
from console.tim.errors import InvalidArgumentError, TimError

BEN, CID = ConversationRef.c2c("ben"), ConversationRef.c2c("cid")


@pytest.fixture
def users(tim):
    tim.account.import_accounts(["amy", "ben", "cid"])
    group_id = tim.group.create_group("Public", "book club", owner="amy").group_id
    return group_id


def test_create_conversation_group_reports_each_conversation(tim, users):
    club = ConversationRef.group(users)
    made = tim.conversation.create_conversation_group(
        "amy", "friends", [BEN, ("group", users), ("c2c", "ghost"), ("group", "@TGS#2NOPE")])
    assert (made.group.name, made.group.group_id) == ("friends", 1)
    assert [(i.id, i.code) for i in made] == [(BEN, 0), (club, 0), (ConversationRef.c2c("ghost"), 50001),
                                              (ConversationRef.group("@TGS#2NOPE"), 51007)]
    (marks,) = tim.conversation.search_conversation_marks("amy", [BEN])
    assert marks.group_ids == [1]
    assert [g.name for g in tim.conversation.get_conversation_groups("amy")] == ["friends"]


def test_rename_update_and_delete_a_conversation_group(tim, users):
    tim.conversation.create_conversation_group("amy", "friends", [BEN])
    renamed = tim.conversation.rename_conversation_group("amy", "friends", "pals")
    assert (renamed.name, renamed.group_id) == ("pals", 1)
    changed = tim.conversation.update_conversation_group("amy", "pals", add=[CID], remove=[BEN])
    assert changed.ok and [i.id for i in changed] == [CID, BEN]
    found = tim.conversation.search_conversation_marks("amy", [BEN, CID]).by_id()
    assert found[BEN].group_ids == [] and found[CID].group_ids == [1]
    gone = tim.conversation.delete_conversation_group("amy", "pals")
    assert gone.group_id == 1 and tim.conversation.get_conversation_groups("amy") == []
    with pytest.raises(TimError) as missing:
        tim.conversation.delete_conversation_group("amy", "pals")
    assert missing.value.code == 51009


def test_at_most_20_conversation_groups(tim, users):
    for n in range(20):
        tim.conversation.create_conversation_group("amy", f"g{n}", [BEN])
    with pytest.raises(TimError) as err:
        tim.conversation.create_conversation_group("amy", "one too many", [BEN])
    assert err.value.code == 51010


def test_mark_conversations_standard_and_custom(tim, users):
    result = tim.conversation.mark_conversations("amy", [
        MarkChange(BEN, set_bits=[FAVORITE, UNREAD]), MarkChange(("group", users), custom="vip"),
        MarkChange(("c2c", "ghost"), custom="x")])
    assert [i.code for i in result] == [0, 0, 50001]
    tim.conversation.mark_conversations("amy", [MarkChange(BEN, set_bits=[FOLDED], clear_bits=[UNREAD],
                                                           custom="pinned")])
    marks = tim.conversation.search_conversation_marks("amy", [BEN, ("group", users), CID]).by_id()
    ben = marks[BEN]
    assert ben.has(FAVORITE) and ben.has(FOLDED) and not ben.has(UNREAD) and ben.custom_mark == "pinned"
    assert ben.raw["StandardMark"] == "1010"
    assert marks[ConversationRef.group(users)].custom_mark == "vip"
    assert marks[CID].standard_mark == 0 and marks[CID].group_ids == []


def test_mark_conversations_batches_by_100(tim, users):
    names = [f"u{n}" for n in range(130)]
    for first in range(0, 130, 100):
        tim.account.import_accounts(names[first:first + 100])
    sizes = []
    tim.add_observer(lambda event: sizes.append(len(event.request.get("MarkItem", []))))
    result = tim.conversation.mark_conversations("amy", [MarkChange(("c2c", n), custom=n) for n in names])
    assert result.ok and len(result) == 130 and sizes == [100, 30]
    assert {m.custom_mark for m in tim.conversation.iter_conversation_marks("amy")} == set(names)


def test_iter_conversation_marks_pages(tim, users):
    names = [f"p{n}" for n in range(150)]
    for first in range(0, 150, 100):
        tim.account.import_accounts(names[first:first + 100])
    tim.conversation.create_conversation_group("amy", "many", [("c2c", n) for n in names])
    first = tim.conversation.fetch_conversation_marks("amy")
    assert len(first.conversations) == 100 and first.has_more and [g.name for g in first.groups] == ["many"]
    assert [m.id.peer for m in tim.conversation.iter_conversation_marks("amy")] == names


def test_conversation_groups_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError, match="32 bytes"):
        tim.conversation.create_conversation_group("amy", "x" * 33, [BEN])
    with pytest.raises(InvalidArgumentError, match="bit"):
        tim.conversation.mark_conversations("amy", [MarkChange(BEN, set_bits=[64])])
    with pytest.raises(InvalidArgumentError, match="256 bytes"):
        tim.conversation.mark_conversations("amy", [MarkChange(BEN, custom="x" * 257)])
    with pytest.raises(InvalidArgumentError, match="nothing"):
        tim.conversation.update_conversation_group("amy", "g")
    with pytest.raises(InvalidArgumentError, match="pair"):
        tim.conversation.search_conversation_marks("amy", ["ben"])
