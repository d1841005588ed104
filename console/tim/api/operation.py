"""Operations data, message-log downloads and IP lists. Seed module: Operation."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Iterable

from console.tim.api._base import Namespace, check_enum, check_list, invalid
from console.tim.results import HistoryFile, HistoryFiles, IPList, OperationData

APP_INFO, HISTORY, IP_LIST = "openconfigsvr/getappinfo", "open_msg_svc/get_history", "ConfigSvc/GetIPList"

FIELDS = ("AppName", "AppId", "Company", "ActiveUserNum", "RegistUserNumOneDay", "RegistUserNumTotal",
          "LoginTimes", "LoginUserNum", "UpMsgNum", "SendMsgUserNum", "APNSMsgNum", "C2CUpMsgNum",
          "C2CDownMsgNum", "C2CSendMsgUserNum", "C2CAPNSMsgNum", "MaxOnlineNum", "DownMsgNum", "ChainIncrease",
          "ChainDecrease", "GroupUpMsgNum", "GroupDownMsgNum", "GroupSendMsgUserNum", "GroupAPNSMsgNum",
          "GroupSendMsgGroupNum", "GroupJoinGroupTimes", "GroupQuitGroupTimes", "GroupNewGroupNum",
          "GroupAllGroupNum", "GroupDestroyGroupNum", "CallBackReq", "CallBackRsp", "Date")
CHAT_TYPES = ("C2C", "Group")
NET_TYPES = range(7)                 # 0 all ... 6 callback egress outside China
# The service's hours are Beijing time (the Go SDK's bug was to format in the local zone).
SERVICE_TZ = timezone(timedelta(hours=8))
_HOUR = re.compile(r"^\d{10}$")


def msg_hour(value: datetime | str) -> str:
    """YYYYMMDDHH in the service's time zone, from an aware datetime or the string itself."""
    if isinstance(value, str):
        if not _HOUR.match(value):
            raise invalid(f"hour must look like YYYYMMDDHH, got {value!r}")
        return value
    if not isinstance(value, datetime):
        raise invalid("hour must be a timezone-aware datetime or a YYYYMMDDHH string")
    if value.tzinfo is None:
        raise invalid("hour must be timezone-aware (the service counts hours in UTC+8)")
    return value.astimezone(SERVICE_TZ).strftime("%Y%m%d%H")


class OperationAPI(Namespace):
    name = "operation"

    def get_operation_data(self, fields: Iterable[str] | None = None) -> OperationData:
        """Daily statistics of the last 30 days (all metrics, or the named ones); values are strings."""
        body = {}
        if fields is not None:
            body["RequestField"] = [check_enum("fields item", f, FIELDS) for f in check_list("fields", fields)]
        raw = self._call(APP_INFO, body, op="get_operation_data", retry_safe=True)
        return OperationData(days=[dict(day) for day in raw.get("Result") or []], raw=raw)

    def get_history_data(self, chat_type: str, hour: datetime | str) -> HistoryFiles:
        """Download links of one hour's message log (C2C or Group) within the last 7 days."""
        body = {"ChatType": check_enum("chat_type", chat_type, CHAT_TYPES), "MsgTime": msg_hour(hour)}
        raw = self._call(HISTORY, body, op="get_history_data", retry_safe=True)
        files = [HistoryFile(url=f.get("URL", ""), expire_time=f.get("ExpireTime", ""),
                             file_size=int(f.get("FileSize") or 0), file_md5=f.get("FileMD5", ""),
                             gzip_size=int(f.get("GzipSize") or 0), gzip_md5=f.get("GzipMD5", ""), raw=f)
                 for f in raw.get("File") or []]
        return HistoryFiles(files=files, raw=raw)

    def get_ip_list(self, nettype: int | None = None) -> IPList:
        """IP addresses / CIDR ranges of the SDK access points and callback egress.

        `nettype` (0-6) is a URL query parameter of this command, not a body field.
        """
        query = None if nettype is None else {"nettype": check_enum("nettype", nettype, NET_TYPES)}
        raw = self._call(IP_LIST, {}, op="get_ip_list", retry_safe=True, query=query)
        return IPList(ips=list(raw.get("IPList") or []), raw=raw)
