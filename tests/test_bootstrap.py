"""``bootstrap.sh`` on a pretend fresh machine, and the Chinese font it installs on this one.

The pretend machine is a copy of ``bootstrap.sh`` in an empty folder, run with a PATH that
holds only the shell tools it uses and stand-ins for ``uv``, ``apt-get``, ``npm``,
``fc-list`` and the asset script, which record how they were called. Nothing is installed
and nothing is downloaded.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from viz.devtools import free_port

ROOT = Path(__file__).resolve().parent.parent
SKIP = "solara-vuetify3-app|echarts|milkdown|codemirror"
# the real tools bootstrap.sh calls besides the stand-ins
TOOLS = ("bash", "cat", "dirname", "dpkg-query", "grep", "mktemp", "rm", "sleep", "tail")
STEPS = (
    "installing Python packages (first time: a few minutes)...",
    "fetching the page's assets...",
    "installing a Chinese font (fonts-wqy-microhei)",
)

STAND_INS = {
    "uv": """#!/bin/bash
echo "uv $*" >>"$FAKE/calls"
case "$1" in
    --version) echo "uv 0.9.0" ;;
    run) [ "$3" = solara ] || exit 0
        sleep 0.5  # a server takes a moment to start
        exec "$PY" -m http.server "$PORT" --bind 127.0.0.1 ;;
esac
""",
    "apt-get": """#!/bin/bash
echo "apt-get $*" >>"$FAKE/calls"
for ((i = 0; i < 600; i++)); do echo "Selecting previously unselected package lib$i."; done
case " $* " in *" fonts-wqy-microhei "*) : >"$FAKE/font" ;; esac
""",
    "fc-list": """#!/bin/bash
[ -f "$FAKE/font" ] && echo "WenQuanYi Micro Hei"
exit 0
""",
    "npm": "#!/bin/bash\nexit 0\n",
    "id": "#!/bin/bash\necho 0\n",  # root, whoever runs the tests
}

ASSET_SCRIPT = """#!/bin/bash
echo "assets SOLARA_OFFLINE_SKIP=$SOLARA_OFFLINE_SKIP" >>"$FAKE/calls"
if [ -f "$FAKE/assets-fail-once" ]; then
    rm "$FAKE/assets-fail-once"
    echo "[solara-offline-assets] ERROR: npm pack failed (registry reachable?)" >&2
    exit 1
fi
echo "[solara-offline-assets] done" >&2
"""


@pytest.fixture
def machine(tmp_path):
    """(project folder, environment) of a machine with nothing installed."""
    project, fake, bin_dir = tmp_path / "project", tmp_path / "fake", tmp_path / "bin"
    for d in (project / "scripts", fake, bin_dir):
        d.mkdir(parents=True)
    shutil.copy(ROOT / "bootstrap.sh", project / "bootstrap.sh")
    (project / "scripts" / "solara-offline-assets.sh").write_text(ASSET_SCRIPT)
    for name, text in STAND_INS.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    for name in TOOLS:
        where = shutil.which(name)
        if where:
            (bin_dir / name).symlink_to(where)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "FAKE": str(fake),
        "PY": sys.executable,
        "PORT": str(free_port()),
    }
    return project, env


def bootstrap(project, env, *args):
    return subprocess.run(
        ["bash", str(project / "bootstrap.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_until(stream, text: str, lines: list[str]) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
        if text in line:
            return


def calls(env) -> list[str]:
    path = Path(env["FAKE"]) / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_view_says_each_step_and_where_to_open_once_the_server_answers(machine):
    project, env = machine
    proc = subprocess.Popen(
        ["bash", str(project / "bootstrap.sh"), "view"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    opened = f"open http://127.0.0.1:{env['PORT']}"
    reader = threading.Thread(target=read_until, args=(proc.stderr, opened, lines), daemon=True)
    reader.start()
    reader.join(timeout=30)
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)
    text = "\n".join(lines)
    said = [line.removeprefix("[bootstrap] ") for line in lines if line.startswith("[bootstrap]")]
    for step in STEPS:
        assert any(s.startswith(step) for s in said), f"no line for {step!r} in:\n{text}"
    assert any(opened in s for s in said), f"no {opened!r} line in:\n{text}"
    # the address is given once the server has answered a request, not before
    answered = next(i for i, line in enumerate(lines) if '"GET / HTTP/1.0" 200' in line)
    assert answered < next(i for i, line in enumerate(lines) if opened in line), text
    assert f"uv run --no-sync solara run viz/app.py --host 127.0.0.1 --port {env['PORT']}" in (
        " ".join(calls(env))
    )


def test_a_failed_asset_step_shows_its_error_and_the_retry_still_skips_125_mb(machine):
    project, env = machine
    (Path(env["FAKE"]) / "assets-fail-once").touch()
    r = bootstrap(project, env, "setup")
    assert r.returncode == 0, r.stderr
    assert "npm pack failed (registry reachable?)" in r.stderr
    assert "trying once more" in r.stderr
    assert [c for c in calls(env) if c.startswith("assets")] == [
        f"assets SOLARA_OFFLINE_SKIP={SKIP}"
    ] * 2


def test_without_root_or_sudo_the_font_step_warns_and_carries_on(machine):
    project, env = machine
    (Path(env["PATH"]) / "id").write_text("#!/bin/bash\necho 1000\n")
    r = bootstrap(project, env, "setup")
    assert r.returncode == 0, r.stderr
    assert "warning: not root and no sudo, so no Chinese font" in r.stderr
    assert "set-up done" in r.stderr
    assert not [c for c in calls(env) if c.startswith("apt-get")]


def test_the_browser_install_is_one_quiet_apt_call_with_one_line_of_summary(machine):
    project, env = machine
    r = bootstrap(project, env, "test", "-q")
    assert r.returncode == 0, r.stderr
    packages = "chromium fonts-liberation fonts-wqy-microhei"
    assert [c for c in calls(env) if c.startswith("apt-get")] == [
        "apt-get update -qq",
        f"apt-get install -y -qq --no-install-recommends {packages}",
    ]
    assert "Selecting previously unselected package" not in r.stderr + r.stdout
    assert [s for s in r.stderr.splitlines() if s.startswith(f"[bootstrap] installed {packages}")]
    # the font came with the browser: the set-up has no second apt call for it
    assert "installing a Chinese font" not in r.stderr
    assert calls(env)[-1] == "uv run --no-sync pytest -q"


def test_a_font_for_traditional_chinese_is_installed():
    """``fc-list :lang=zh-tw`` names a font, so browsers here draw the zh-TW page."""
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list (fontconfig) is not installed: cannot ask which fonts there are")
    fonts = subprocess.run(
        ["fc-list", ":lang=zh-tw", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert fonts.strip(), "no font for zh-TW: ./bootstrap.sh setup installs fonts-wqy-microhei"
