"""Full-page screenshots of every page of the console, in light and dark mode, in English and Chinese.

    .venv/bin/python scripts/screenshot.py --serve --out-dir screenshots/
        # starts its own console with demo data (IM sandbox included) on ephemeral ports

    make run &                     # or a running console; note the setup link it prints
    CONSOLE_PASSWORD='a long password' .venv/bin/python scripts/screenshot.py \\
        --setup-url http://127.0.0.1:5000/setup/TOKEN --name admin --out-dir screenshots/

The password comes from $CONSOLE_PASSWORD, never from the command line (where every local user
could read it in `ps`).

The pages are those of scripts/tour.py: every page of the navigation and its tabs, an event's
detail, and an account's, a group's, an audit entry's and a job's page. Files are named
<language>-<scheme>-<NN>-<page>.png, so one page's four pictures sort side by side when listed by
page (`ls screenshots | sort -t- -k3`). `--path /` takes just one page (the README's
docs/screenshot.png: `--path / --lang en --scheme light --out docs/screenshot.png`).
It uses Debian's /usr/bin/chromium; Chinese text needs a CJK font (Debian: fonts-noto-cjk).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tour import demo_console, open_page, sign_in, tour_paths  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LANGS = {"en": "en-US", "zh_Hans": "zh-CN"}
SCHEMES = ("light", "dark")


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "dashboard"


def capture(browser, url: str, name: str, password: str, args) -> list[str]:
    """Screenshot the pages for every language and scheme asked; return the files written."""
    written = []
    paths = None
    for lang in args.lang:
        for scheme in args.scheme:
            context = browser.new_context(viewport={"width": args.width, "height": args.height},
                                          color_scheme=scheme, locale=LANGS[lang], timezone_id=args.timezone)
            context.add_cookies([{"name": "lang", "value": lang, "url": url}])
            page = context.new_page()
            sign_in(page, url, name, password)
            if paths is None:
                paths = [args.path] if args.path else tour_paths(page, url)
            for number, path in enumerate(paths, 1):
                open_page(page, url, path)
                page.wait_for_timeout(300)  # the last swaps settle
                if args.out and len(paths) == 1:
                    out = args.out
                else:
                    out = os.path.join(args.out_dir, f"{lang}-{scheme}-{number:02d}-{_slug(path)}.png")
                os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
                page.screenshot(path=out, full_page=not args.path)
                written.append(out)
                print(out, flush=True)
            context.close()
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="start a console with demo data for the shots")
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the console's address")
    parser.add_argument("--setup-url", help="a first-admin setup link: create --name with --password")
    parser.add_argument("--name", help="the operator to sign in as (password: $CONSOLE_PASSWORD)")
    parser.add_argument("--path", help="only this page (default: every page of the tour)")
    parser.add_argument("--out", help="the file for a single --path")
    parser.add_argument("--out-dir", default="screenshots")
    parser.add_argument("--lang", action="append", choices=list(LANGS), help="en, zh_Hans (default: both)")
    parser.add_argument("--scheme", action="append", choices=SCHEMES, help="light, dark (default: both)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--timezone", default="Asia/Shanghai")
    args = parser.parse_args(argv)
    args.lang = args.lang or list(LANGS)
    args.scheme = args.scheme or list(SCHEMES)
    args.password = os.environ.get("CONSOLE_PASSWORD", "")
    if not args.serve and not (args.name and args.password):
        parser.error("--name and $CONSOLE_PASSWORD are needed unless --serve")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        try:
            if args.serve:
                with tempfile.TemporaryDirectory() as workdir, demo_console(workdir) as console:
                    written = capture(browser, console.url, console.name, console.password, args)
            else:
                if args.setup_url:
                    page = browser.new_page()
                    page.goto(args.setup_url)
                    page.fill("input[name=name]", args.name)
                    page.fill("input[name=password]", args.password)
                    page.fill("input[name=confirm]", args.password)
                    with page.expect_navigation():
                        page.click("form [type=submit]")
                    page.close()
                written = capture(browser, urljoin(args.url, "/").rstrip("/"), args.name, args.password, args)
        finally:
            browser.close()
    print(f"saved {len(written)} screenshots")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
