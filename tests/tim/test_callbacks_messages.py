"""Parsing the callbacks of C2C edits and read receipts (bodies shaped as the docs show them);
the message-extension and bot callbacks have published bodies, see test_callbacks.py."""
import console.tim.callbacks as cb

QUERY = {"SdkAppid": "1400000001", "contenttype": "json", "ClientIP": "203.0.113.7", "OptPlatform": "RESTAPI"}
MODIFIED = {"CallbackCommand": "C2C.CallbackAfterModifyMsg", "Operator_Account": "jared", "From_Account": "jared",
            "To_Account": "Jonh", "MsgRandom": 690, "MsgSeq": 609, "MsgTime": 1769771529,
            "MsgKey": "609_690_1769771529", "CloudCustomData": "1769772027", "EventTime": 1769772027036,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "edited"}}]}
RECEIPT = {"CallbackCommand": "C2C.CallbackAfterMsgReadReceipt", "Operator_Account": "jared", "Peer_Account": "Jonh",
           "C2CMsgInfo": [{"From_Account": "Jonh", "To_Account": "jared", "MsgKey": "33973751_24064952_1769139583",
                           "MsgId": "144115433090395387-1769139578-24064952"}],
           "EventTime": 1769139587754}


def test_modified_message_is_the_message_after_the_edit_and_its_editor():
    event = cb.parse({**QUERY, "CallbackCommand": "C2C.CallbackAfterModifyMsg"}, MODIFIED)
    assert isinstance(event, cb.C2CModifyEvent) and isinstance(event, cb.C2CMessageEvent)
    assert (event.operator_account, event.from_account, event.to_account) == ("jared", "jared", "Jonh")
    assert (event.msg_key, event.msg_seq, event.msg_random, event.msg_time) == ("609_690_1769771529", 609, 690,
                                                                                1769771529)
    assert event.msg_body[0]["MsgContent"]["Text"] == "edited" and event.cloud_custom_data == "1769772027"
    assert event.category is cb.Category.C2C and not event.is_before
    assert event.accounts() == ["jared", "Jonh"] and event.event_time == 1769772027036


def test_read_receipt_lists_the_messages_read():
    event = cb.parse({**QUERY, "CallbackCommand": "C2C.CallbackAfterMsgReadReceipt"}, RECEIPT)
    assert isinstance(event, cb.C2CReadReceiptEvent)
    assert (event.operator_account, event.peer_account) == ("jared", "Jonh")
    (item,) = event.receipts
    assert (item.from_account, item.to_account, item.msg_id) == ("Jonh", "jared", "144115433090395387-1769139578-24064952")
    assert event.msg_keys == ["33973751_24064952_1769139583"]
    assert event.accounts() == ["jared", "Jonh"]


def test_summary_reads_what_parse_reads():
    for body in (MODIFIED, RECEIPT):
        query = {**QUERY, "CallbackCommand": body["CallbackCommand"]}
        event, summary = cb.parse(query, body), cb.summarize(query, body)
        assert (summary.command, summary.accounts, summary.event_time) == (event.command, event.accounts(),
                                                                           event.event_time)


def test_malformed_fields_give_empty_values():
    event = cb.parse({"CallbackCommand": "C2C.CallbackAfterMsgReadReceipt"},
                     {"Operator_Account": 7, "C2CMsgInfo": "nope"})
    assert event.receipts == [] and event.peer_account is None and event.operator_account == "7"
