"""Save a screenshot of the live view after some months of a preset.

Usage::

    uv run python -m viz.screenshot docs/screenshot.png --months 24 --preset seed

It starts the page on 127.0.0.1, clicks Step until the counter reads ``--months``, and
saves the whole page (the window is sized to the page, so nothing is cut off).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from viz import devtools


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and save the screenshot."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?", default=Path("docs/screenshot.png"))
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--preset", default="seed")
    ap.add_argument("--lang", choices=("en", "zh-TW"), default="en")
    ap.add_argument("--width", type=int, default=1440)
    args = ap.parse_args(argv)
    with devtools.serve() as url, devtools.browser((args.width, 1000)) as page:
        page.goto(url)
        devtools.wait_loaded(page)
        if args.preset != "seed":  # the page opens on seed: pick the preset in its menu
            page.locator(".v-select", has_text="Scenario preset").click()
            page.get_by_role("option", name=args.preset).click()
            page.wait_for_selector('[data-testid="month-counter"][data-month="0"]')
        if args.lang == "zh-TW":
            page.get_by_text("繁體中文").click()
            page.get_by_role("button", name="前進一個月").wait_for()
        devtools.step_until(page, args.months)
        height = page.evaluate("document.querySelector('.aiv-page').scrollHeight")
        page.set_viewport_size({"width": args.width, "height": int(height) + 40})
        time.sleep(0.8)  # let the layout settle at the new size
        args.path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.path), full_page=True)
    print(f"saved {args.path} ({args.months} months of {args.preset})")


if __name__ == "__main__":
    main()
