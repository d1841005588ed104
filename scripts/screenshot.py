"""Screenshot a page of a running console (the README's docs/screenshot.png comes from here).

    make run &                     # in another terminal; note the setup link it prints
    .venv/bin/python scripts/screenshot.py --setup-url http://127.0.0.1:5000/setup/TOKEN \
        --name admin --password 'a long password' --path / --out docs/screenshot.png

Without --setup-url it signs in with --name/--password. It uses Debian's /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import sys
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the console's address")
    parser.add_argument("--setup-url", help="a first-admin setup link: create --name with --password")
    parser.add_argument("--name", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--path", default="/", help="the page to capture")
    parser.add_argument("--out", default="docs/screenshot.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(argv)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.setup_url:
            page.goto(args.setup_url)
            page.fill("input[name=name]", args.name)
            page.fill("input[name=password]", args.password)
            page.fill("input[name=confirm]", args.password)
        else:
            page.goto(urljoin(args.url, "/login"))
            page.fill("input[name=name]", args.name)
            page.fill("input[name=password]", args.password)
        with page.expect_navigation():
            page.click("form [type=submit]")
        page.goto(urljoin(args.url, args.path))
        page.wait_for_load_state("load")
        page.wait_for_timeout(800)  # let htmx finish loading fragments
        page.screenshot(path=args.out)
        browser.close()
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
