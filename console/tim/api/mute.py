"""Account-wide mute (`openconfigsvr/setnospeaking`, `getnospeaking`). Seed module: Mute."""
from __future__ import annotations

from console.tim.api._base import UINT32_MAX, Namespace, check_int, check_user_id, invalid
from console.tim.results import NoSpeaking, Result

SET, GET = "openconfigsvr/setnospeaking", "openconfigsvr/getnospeaking"
FOREVER = UINT32_MAX                 # 4294967295 seconds = muted permanently


class MuteAPI(Namespace):
    name = "mute"

    def set_no_speaking(self, user_id: str, c2c: int | None = None, group: int | None = None) -> Result:
        """Mute `user_id` for `c2c` / `group` seconds from now (0 unmutes, FOREVER for good).
        A duration left as None is not sent, so that mute stays as it is."""
        if c2c is None and group is None:
            raise invalid("set_no_speaking needs c2c and/or group seconds (0 unmutes)")
        body = {"Set_Account": check_user_id("user_id", user_id)}
        if c2c is not None:
            body["C2CmsgNospeakingTime"] = check_int("c2c", c2c)
        if group is not None:
            body["GroupmsgNospeakingTime"] = check_int("group", group)
        return Result(raw=self._call(SET, body, op="set_no_speaking", retry_safe=True))

    def get_no_speaking(self, user_id: str) -> NoSpeaking:
        """Remaining mute seconds (0 = not muted, FOREVER = permanent) for C2C and group messages."""
        raw = self._call(GET, {"Get_Account": check_user_id("user_id", user_id)}, op="get_no_speaking",
                         retry_safe=True)
        return NoSpeaking(c2c=int(raw.get("C2CmsgNospeakingTime") or 0),
                          group=int(raw.get("GroupmsgNospeakingTime") or 0), raw=raw)
