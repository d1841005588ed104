"""The IM REST API's data-centre domains (spec §1.2) and the names that pick them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    name: str
    label: str
    primary: str
    backup: str
    aliases: tuple[str, ...] = ()

    def base_url(self, backup: bool = False) -> str:
        return f"https://{self.backup if backup else self.primary}"


REGIONS: dict[str, Region] = {r.name: r for r in (
    Region("china", "China", "console.tim.qq.com", "adminapi.my-imcloud.com",
           ("cn", "prc", "mainland")),
    Region("singapore", "Singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com",
           ("sgp", "sg")),
    Region("korea", "Seoul (Korea)", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com",
           ("seoul", "kr")),
    Region("japan", "Tokyo (Japan)", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com",
           ("tokyo", "jpn", "jp")),
    Region("germany", "Frankfurt (Germany)", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com",
           ("frankfurt", "ger", "de", "eu")),
    Region("india", "Mumbai (India)", "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com",
           ("mumbai", "ind", "in")),
    Region("usa", "Silicon Valley (USA)", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com",
           ("us", "silicon-valley", "siliconvalley")),
    Region("indonesia", "Jakarta (Indonesia)", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com",
           ("jakarta", "idn", "id")),
    # Backup domain not confirmed by Tencent; it follows the pattern of every other region.
    Region("saudi-arabia", "Riyadh (Saudi Arabia)", "adminapiksa.im.qcloud.com", "adminapiksa.my-imcloud.com",
           ("saudi", "riyadh", "ksa", "sa")),
)}

_BY_ALIAS = {alias: r for r in REGIONS.values() for alias in (r.name, *r.aliases)}


def resolve(name: str) -> Region:
    """The Region called `name` (case, spaces and underscores ignored). ValueError if unknown."""
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return _BY_ALIAS[key]
    except KeyError:
        known = ", ".join(sorted(REGIONS))
        raise ValueError(f"unknown IM region {name!r}; use one of {known} or pass base_url=") from None
