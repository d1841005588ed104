"""Live traffic (`--simulate RATE`): sandbox users log in and out, chat, join and leave groups.

Logins and logouts change the online state and send `State.StateChange`; messages go through
`sandbox.invoke` (openim/sendmsg, group_open_http_svc/send_group_msg), the same handlers as a
REST call, and joins/leaves through the group module's client-side paths (apply_join,
quit_group), so before/after callbacks flow exactly as they would for real traffic. One daemon
thread, paced to the rate (capped at MAX_RATE); `stop()` ends it promptly.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import zlib
from collections import Counter

from .demo import CN_LINES, EN_LINES, GROUP_LINES_CN, GROUP_LINES_EN
from .handlers.group import apply_join, quit_group
from .registry import Ctx

log = logging.getLogger(__name__)

MAX_RATE = 200.0
MIN_ACCOUNTS = 4
# query_online_status platform -> OptPlatform of the callback
OPT_PLATFORM = {"iPhone": "iOS", "Android": "Android", "Web": "Web", "PC": "Windows",
                "iPad": "iPad", "Mac": "Mac"}
MOBILE = ("iPhone", "Android")


def client_ip(uid: str) -> str:
    """A stable address for a user, from the documentation ranges (RFC 5737)."""
    n = zlib.crc32(uid.encode("utf-8"))
    return f"{('203.0.113', '198.51.100')[n % 2]}.{n % 250 + 1}"


class Simulator:
    """Generates events until stopped (or until `max_events`). `counts` says what it did."""

    def __init__(self, sandbox, rate: float, *, seed: int | None = None,
                 max_events: int | None = None):
        if not rate or rate <= 0:
            raise ValueError("the simulation rate must be a positive number of events per second")
        self.sandbox = sandbox
        self.rate = min(float(rate), MAX_RATE)
        self.max_events = max_events
        self.counts: Counter = Counter()
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-simulator", daemon=True)

    def start(self) -> "Simulator":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # ---- the loop ------------------------------------------------------------------------
    def _run(self) -> None:
        interval = 1.0 / self.rate
        due = time.monotonic()
        while not self._stop.is_set():
            if self.max_events is not None and sum(self.counts.values()) >= self.max_events:
                return
            try:
                self.step()
            except Exception:  # a broken step must not kill the traffic
                log.exception("simulator step failed")
                self.counts["errors"] += 1
            due += interval
            delay = due - time.monotonic()
            if delay < -1.0:       # fell behind (slow callbacks): do not burst to catch up
                due = time.monotonic()
            if self._stop.wait(max(0.0, delay)):
                return

    def step(self) -> str:
        """One event: a login/logout, a C2C message or a group message; returns its kind."""
        accounts = self._accounts()
        roll = self._rng.random()
        if roll < 0.25:
            kind = self._presence(accounts)
        elif roll < 0.6:
            kind = self._c2c(accounts)
        elif roll < 0.9:
            kind = self._group() or self._c2c(accounts)
        else:
            kind = self._join_or_leave(accounts) or self._c2c(accounts)
        self.counts[kind] += 1
        return kind

    # ---- events --------------------------------------------------------------------------
    def _accounts(self) -> list[str]:
        state = self.sandbox.state
        with state.lock:
            accounts = sorted(set(state.accounts) - self.sandbox.admins)  # admins are no users
        if len(accounts) >= MIN_ACCOUNTS:
            return accounts
        users = [{"UserID": f"sim_user_{i:02d}", "Nick": f"Sim {i:02d}"} for i in range(1, 13)]
        self.sandbox.invoke("im_open_login_svc/multiaccount_import", {"AccountList": users})
        with state.lock:
            return sorted(set(state.accounts) - self.sandbox.admins)

    def _presence(self, accounts: list[str]) -> str:
        state, rng = self.sandbox.state, self._rng
        uid = rng.choice(accounts)
        with state.lock:
            devices = dict(state.online.get(uid, {}))
        if devices and rng.random() < 0.6:
            platform = rng.choice(sorted(devices))
            action, reason = rng.choice([("Logout", "Unregister"), ("Disconnect", "LinkClose"),
                                         ("Disconnect", "TimeOut")])
            state.set_online(uid, platform, False)
            kicked = []
        else:
            platform = rng.choice(sorted(OPT_PLATFORM))
            action, reason = "Login", "Register"
            # one mobile device at a time: a new mobile login kicks the other one out
            kicked = [p for p in devices if p in MOBILE and platform in MOBILE and p != platform]
            for old in kicked:
                state.set_online(uid, old, False)
            state.set_online(uid, platform, True)
        payload = {"EventTime": int(time.time() * 1000),
                   "Info": {"Action": action, "To_Account": uid, "Reason": reason}}
        if kicked:
            payload["KickedDevice"] = [{"Platform": OPT_PLATFORM[p]} for p in kicked]
        self.sandbox.callbacks.after("State.StateChange", payload, client_ip=client_ip(uid),
                                     platform=OPT_PLATFORM[platform])
        return action.lower()

    def _as_user(self, uid: str):
        """The user's device as the origin of the callbacks their action causes."""
        with self.sandbox.state.lock:
            devices = sorted(self.sandbox.state.online.get(uid, {}))
        platform = devices[0] if devices else MOBILE[zlib.crc32(uid.encode()) % 2]
        return self.sandbox.callbacks.origin(client_ip=client_ip(uid), platform=OPT_PLATFORM[platform])

    def _line(self, uid: str, lines_cn: list[str], lines_en: list[str]) -> str:
        with self.sandbox.state.lock:
            language = self.sandbox.state.profiles.get(uid, {}).get("Tag_Profile_IM_Language")
        return self._rng.choice(lines_cn if language == 0 else lines_en if language == 1
                                else lines_cn + lines_en)

    def _text(self, text: str) -> list[dict]:
        return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]

    def _c2c(self, accounts: list[str]) -> str:
        state, rng = self.sandbox.state, self._rng
        sender = rng.choice(accounts)
        with state.lock:
            friends = sorted(state.friends.get(sender, {}))
        receiver = rng.choice(friends or [a for a in accounts if a != sender])
        with self._as_user(sender):
            answer = self.sandbox.invoke("openim/sendmsg", {
                "SyncOtherMachine": 1, "From_Account": sender, "To_Account": receiver,
                "MsgRandom": rng.randint(1, 2**32 - 1),
                "MsgBody": self._text(self._line(sender, CN_LINES, EN_LINES))})
        return "c2c" if not answer.get("ErrorCode") else "c2c_refused"

    def _group(self) -> str | None:
        state, rng = self.sandbox.state, self._rng
        with state.lock:
            groups = [(g.group_id, sorted(g.members)) for g in state.groups.groups.values()
                      if g.members]
        if not groups:
            return None
        group_id, members = rng.choice(sorted(groups))
        sender = rng.choice(members)
        with self._as_user(sender):
            answer = self.sandbox.invoke("group_open_http_svc/send_group_msg", {
                "GroupId": group_id, "From_Account": sender, "Random": rng.randint(1, 2**32 - 1),
                "MsgBody": self._text(self._line(sender, GROUP_LINES_CN, GROUP_LINES_EN))})
        return "group" if not answer.get("ErrorCode") else "group_refused"

    def _join_or_leave(self, accounts: list[str]) -> str | None:
        state, rng = self.sandbox.state, self._rng
        with state.lock:
            groups = sorted((g.group_id, sorted(g.members or g.online), g.owner)
                            for g in state.groups.groups.values())
        if not groups:
            return None
        group_id, members, owner = rng.choice(groups)
        account = rng.choice(accounts)
        ctx = Ctx(sandbox=self.sandbox, identifier=account, now=time.time())
        leavers = [m for m in members if m != owner]
        if leavers and (account in members or rng.random() < 0.4):
            account = account if account in leavers else rng.choice(leavers)
            ctx.identifier = account
            with self._as_user(account):
                return "leave" if quit_group(ctx, group_id, account) else "leave_refused"
        with self._as_user(account):
            return "join" if apply_join(ctx, group_id, account) else "join_refused"


def start(sandbox, rate: float, **options) -> Simulator:
    """Start simulating `rate` events per second in `sandbox`; call `.stop()` to end."""
    return Simulator(sandbox, rate, **options).start()
