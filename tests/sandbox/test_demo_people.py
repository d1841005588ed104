"""The demo seed's data for issue 17's people pages (console/sandbox/demo_people.py): follows,
conversation groups and marks, bots, official accounts with subscribers and messages, keyword lists."""
from __future__ import annotations

from console.sandbox import Sandbox
from console.sandbox import demo, demo_people
from console.tim import Client


def test_the_demo_seed_fills_the_people_pages(tmp_path):
    sandbox = Sandbox(app_id=1400000002, secret="demo-people-secret").start()
    try:
        assert sandbox.load_seed("demo")
        tim = Client(app_id=1400000002, secret="demo-people-secret", admin="administrator", base_url=sandbox.base_url)
        people = [p["uid"] for p in demo._people(__import__("random").Random(demo.SEED))]
        assert sorted(tim.bot.get_all_robots().bots) == sorted(b for b, _n in demo_people.BOTS)
        counts = tim.follow.get_count(people[0])
        assert counts.following >= 1
        marks = tim.conversation.fetch_conversation_marks(people[0])
        assert marks.groups and any(m.has(1) and m.custom_mark == "vip" for m in marks.conversations)
        news = tim.official_account.get_account("@TOA#_dailynews")
        assert news.name == "每日新闻" and news.subscriber_num >= 1
        assert len(tim.official_account.fetch_messages("@TOA#_dailynews").messages) == 1
        assert {k.keyword for k in tim.moderation.list_local_keywords()} >= {"spam", "傻瓜"}
        tim.close()
    finally:
        sandbox.stop()
