"""Operations page: 30-day charts, message-log download links, IP lists."""
from __future__ import annotations

import datetime as dt


def _rows(audit_rows, endpoint):
    return [r for r in audit_rows() if r.endpoint == endpoint]


def test_operations_page_and_charts(signed_in, sandbox, audit_rows):
    viewer = signed_in("viewer")
    page = viewer.get("/operations")
    assert page.status_code == 200 and 'hx-get="/operations/charts"' in page.get_data(as_text=True)
    html = viewer.get("/operations/charts", headers={"HX-Request": "true"}).get_data(as_text=True)
    for key in ("RegistUserNumOneDay", "ActiveUserNum", "C2CUpMsgNum", "GroupUpMsgNum", "CallBackReq",
                "GroupAllGroupNum", "MaxOnlineNum"):
        assert f'id="chart-{key}"' in html
    assert html.count("<svg") >= 28
    assert len(_rows(audit_rows, "openconfigsvr/getappinfo")) == 1


def test_charts_show_the_values_im_reports(signed_in, sandbox):
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["a1", "a2"]})
    sandbox.invoke("openim/sendmsg", {"From_Account": "a1", "To_Account": "a2", "MsgRandom": 7,
                                      "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]})
    days = sandbox.invoke("openconfigsvr/getappinfo", {})["Result"]
    latest = max(days, key=lambda d: d["Date"])
    html = signed_in("viewer").get("/operations/charts").get_data(as_text=True)
    chunk = html.split('id="chart-C2CUpMsgNum"')[1].split("</figure>")[0]
    assert f"latest: {int(float(latest['C2CUpMsgNum']))}" in chunk


def test_history_download_links(signed_in, sandbox, audit_rows):
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["a1", "a2"]})
    beijing = dt.timezone(dt.timedelta(hours=8))
    hour = (dt.datetime.now(beijing) - dt.timedelta(hours=2)).replace(minute=30, second=0, microsecond=0)
    sandbox.invoke("openim/importmsg", {"SyncFromOldSystem": 2, "From_Account": "a1", "To_Account": "a2",
                                        "MsgRandom": 3, "MsgTimeStamp": int(hour.timestamp()),
                                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "logged"}}]})
    viewer = signed_in("viewer")
    html = viewer.get(f"/operations/history?day={hour.date().isoformat()}&hour={hour.hour}&type=C2C",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "/msg_history/" in html and "gzip" in html
    empty = viewer.get(f"/operations/history?day={hour.date().isoformat()}&hour={hour.hour}&type=Group",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1004" in empty and "No file for this hour" in empty
    bad = viewer.get("/operations/history?day=x&hour=30&type=Nope").get_data(as_text=True)
    assert "Choose a day" in bad and "Choose an hour" in bad
    rows = _rows(audit_rows, "open_msg_svc/get_history")
    assert [r.outcome for r in rows] == ["ok", "failed"]


def test_ip_list_with_copy_button(signed_in, sandbox, audit_rows):
    viewer = signed_in("viewer")
    html = viewer.get("/operations/ips?nettype=5", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-copy-target="#ip-text"' in html and "callback egress, China" in html
    ips = sandbox.invoke("ConfigSvc/GetIPList", {})  # nettype omitted: all lists
    assert ips["IPList"]
    assert len(_rows(audit_rows, "ConfigSvc/GetIPList")) == 1
    assert _rows(audit_rows, "ConfigSvc/GetIPList")[0].outcome == "ok"
