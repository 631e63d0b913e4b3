"""Benchmark: time from clicking Step to the month counter updating, in a real browser.

Starts the live view (``solara run viz/app.py --production`` on 127.0.0.1), opens it in
headless Chromium with a window tall enough that the network, the gauges and the charts
are all on screen, and clicks Step ``--steps`` times. Each click is timed inside the page
(``performance.now()``): from the click to the counter's DOM change, and to the next
painted frame after it. Prints the median and p95 of both; the goal is a median under
150 ms. Also prints how long the server takes to build the month's pictures (no browser).

Usage::

    uv run python benchmarks/bench_view_step.py [--steps 20] [--start 0] [--repeat 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viz import devtools

TIME_CLICKS = """
async (n) => {
  const counter = () => document.querySelector('[data-testid="month-counter"]');
  const dom = [], frame = [];
  for (let i = 0; i < n; i++) {
    const before = counter().dataset.month;
    const changed = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        const c = counter();
        if (c && c.dataset.month !== before) { obs.disconnect(); resolve(performance.now()); }
      });
      obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                  characterData: true});
    });
    const t0 = performance.now();
    document.querySelector('.aiv-step').click();
    const t1 = await changed;
    const t2 = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    dom.push(t1 - t0);
    frame.push(t2 - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {dom, frame};
}
"""


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def server_build_ms(months: int, samples: int = 20) -> tuple[float, float]:
    """Median and p95 ms to build every picture of one month on the server."""
    from model import AIBubbleModel
    from viz.components.banner import banner_html
    from viz.components.charts import chart_svgs
    from viz.components.events import model_events_html
    from viz.components.gauges import gauges_html
    from viz.components.network import network_svg

    m = AIBubbleModel(rng=42, preset="seed")
    for _ in range(months):
        m.step()
    times = []
    for _ in range(samples):
        m.step()
        t = time.perf_counter()
        banner_html(m, "en")
        gauges_html(m, "en")
        network_svg(m, "en")
        chart_svgs(m, "en")
        model_events_html(m, "en")
        times.append(1000 * (time.perf_counter() - t))
    return statistics.median(times), pct(times, 0.95)


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--start", type=int, default=0, help="step to this month first")
    ap.add_argument("--repeat", type=int, default=1, help="measure this many times")
    args = ap.parse_args()
    with devtools.serve() as url, devtools.browser((1440, 1900)) as page:
        page.goto(url)
        devtools.wait_loaded(page)
        page.get_by_test_id("charts").locator("svg").first.wait_for()
        devtools.step_until(page, max(2, args.start))  # warm-up clicks
        for r in range(args.repeat):
            first = devtools.month(page)
            res = page.evaluate(TIME_CLICKS, args.steps)
            dom, frame = res["dom"], res["frame"]
            print(
                f"run {r + 1}: months {first}->{devtools.month(page)}, {len(dom)} steps | "
                f"click->counter: median {statistics.median(dom):.1f} ms, "
                f"p95 {pct(dom, 0.95):.1f} ms, max {max(dom):.1f} ms | "
                f"click->next frame: median {statistics.median(frame):.1f} ms, "
                f"p95 {pct(frame, 0.95):.1f} ms"
            )
    med, p95 = server_build_ms(max(2, args.start))
    print(
        "server: building banner, gauges, network, charts, events: "
        f"median {med:.1f} ms, p95 {p95:.1f} ms"
    )
    print("goal: click->counter median under 150 ms")


if __name__ == "__main__":
    main()
