"""Sweeps that stay safe: no plain-tcp cluster off this machine, a killed worker is a message.

* ``--scheduler tcp://HOST:PORT`` on an address that is not loopback is refused (Dask
  workers run any code they are sent, and plain tcp has no authentication) unless
  ``--insecure-cluster``; ``tls://`` addresses and loopback are fine.
* A pool worker killed in the middle of a sweep (``SIGKILL``, as the out-of-memory killer
  does) ends the sweep with the documented one-line message and exit status 1, never a
  traceback; the same command then resumes and completes.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sweep import cli
from sweep.executors import BackendError, check_scheduler_address, is_loopback_host

ROOT = Path(__file__).resolve().parent.parent
VOLATILE = ["elapsed_s", "session_id", "finished_at", "worker"]

SMALL = [
    "--vary",
    "paid_growth_decay=0:0.9",
    "--design",
    "lhs",
    "--samples",
    "16",
    "--months",
    "12",
    "--root-seed",
    "3",
    "--no-progress",
]


def table(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


# ---------------------------------------------------------------------- scheduler addresses
@pytest.mark.parametrize(
    "address",
    [
        "tcp://10.0.0.5:8786",
        "tcp://192.0.2.1:8786",
        "tcp://scheduler.example.org:8786",
        "tcp://0.0.0.0:8786",
        "TCP://10.0.0.5:8786",
        "tcp://[2001:db8::1]:8786",
        "ws://10.0.0.5:8786",
        "tcp://127.0.0.1.example.org:8786",
    ],
)
def test_plain_tcp_scheduler_off_this_machine_is_refused(address):
    with pytest.raises(BackendError) as e:
        check_scheduler_address(address)
    message = str(e.value)
    assert "\n" not in message
    assert "--insecure-cluster" in message and "tls://" in message
    assert "any code" in message  # says why
    check_scheduler_address(address, insecure_cluster=True)  # the user's call


@pytest.mark.parametrize(
    "address",
    [
        None,
        "local",
        "tcp://127.0.0.1:8786",
        "tcp://127.0.1.1:8786",
        "tcp://localhost:8786",
        "tcp://[::1]:8786",
        "tls://10.0.0.5:8786",
        "tls://scheduler.example.org:8786",
        "wss://10.0.0.5:8786",
    ],
)
def test_loopback_and_tls_schedulers_are_accepted(address):
    check_scheduler_address(address)


def test_loopback_hosts():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("[::1]")
    assert is_loopback_host("LOCALHOST")
    assert not is_loopback_host("10.0.0.1") and not is_loopback_host("myhost")


def test_cli_refuses_a_remote_plain_tcp_scheduler_in_one_line_before_the_store(tmp_path, capsys):
    out = tmp_path / "s.duckdb"
    rc = cli.main(["sweep", *SMALL, "--out", str(out), "--scheduler", "tcp://10.0.0.5:8786"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "refusing the plain tcp:// scheduler at 10.0.0.5" in err
    assert "--insecure-cluster" in err
    assert not out.exists()  # refused before the store was created


def test_insecure_cluster_flag_lets_the_sweep_use_that_scheduler(tmp_path, monkeypatch):
    from sweep import executors

    seen = []

    class FakeDask(executors.SerialBackend):
        def __init__(self, scheduler, workers):
            super().__init__()
            seen.append(scheduler)

    monkeypatch.setattr(executors, "DaskBackend", FakeDask)
    out = tmp_path / "s.duckdb"
    address = "tcp://10.0.0.5:8786"
    rc = cli.main(
        ["sweep", *SMALL, "--out", str(out), "--scheduler", address, "--insecure-cluster"]
    )
    assert rc == 0 and seen == [address]
    assert len(table(out, "SELECT run_id FROM runs")) == 16


# ---------------------------------------------------------------------- a worker killed
KILLER = """
import os, signal, sys, time

from sweep import cli, executors

KILL_AT, MODE = int(sys.argv[1]), sys.argv[2]
original = executors.PoolBackend.submit
submits = 0


def submit(self, chunk):
    # SIGKILL one pool worker before the KILL_AT-th chunk is queued, as the OOM killer would
    global submits
    submits += 1
    if submits == KILL_AT:
        os.kill(next(iter(self._pool._processes)), signal.SIGKILL)
        if MODE == "broken-before-submit":  # the pool knows before the next submit
            deadline = time.monotonic() + 30
            while not self._pool._broken and time.monotonic() < deadline:
                time.sleep(0.01)
    return original(self, chunk)


executors.PoolBackend.submit = submit

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["broken-before-submit", "broken-while-waiting"])
def test_a_killed_worker_gives_the_documented_message_and_the_sweep_resumes(tmp_path, mode):
    script = tmp_path / "killer.py"
    script.write_text(textwrap.dedent(KILLER), encoding="utf-8")
    out = tmp_path / "s.duckdb"
    args = ["sweep", *SMALL, "--workers", "2", "--chunk-size", "2", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, str(script), "6", mode, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("run.py sweep: a worker died outside a run (BrokenProcessPool")
    assert "runs are stored; run the same command again to resume" in lines[0]
    stored = len(table(out, "SELECT run_id FROM runs"))
    assert f"; {stored} runs are stored;" in lines[0]
    assert 0 < stored < 16
    assert list(table(out, "SELECT status FROM manifest")["status"]) == ["aborted"]

    again = subprocess.run(
        [sys.executable, "-m", "sweep.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert f"resuming: {stored} runs stored, {16 - stored} to run" in again.stdout
    resumed = table(out, "SELECT * FROM runs ORDER BY run_id").drop(columns=VOLATILE)
    assert list(resumed["run_id"]) == list(range(16)) and (resumed["status"] == "ok").all()

    reference = tmp_path / "ref.duckdb"
    assert cli.main(["sweep", *SMALL, "--workers", "1", "--out", str(reference)]) == 0
    expected = table(reference, "SELECT * FROM runs ORDER BY run_id").drop(columns=VOLATILE)
    pd.testing.assert_frame_equal(resumed, expected)  # nothing lost or changed by the kill


# ---------------------------------------------------------------------- tls needs certificates
@pytest.fixture
def no_tls_settings():
    import dask
    import distributed  # noqa: F401 - registers Dask's distributed settings

    keys = ("ca-file", "client.cert", "client.key")
    with dask.config.set({f"distributed.comm.tls.{k}": None for k in keys}):
        yield


def test_tls_scheduler_without_certificates_is_a_one_line_message(
    tmp_path, capsys, no_tls_settings
):
    out = tmp_path / "s.duckdb"
    rc = cli.main(["sweep", *SMALL, "--out", str(out), "--scheduler", "tls://127.0.0.1:1"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "needs the cluster's certificates" in err
    assert "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in err and "docs/sweeps.md" in err


def test_tls_settings_present_pass_the_check(tmp_path, no_tls_settings):
    import dask

    from sweep.executors import check_tls_settings

    with dask.config.set(
        {
            "distributed.comm.tls.ca-file": str(tmp_path / "ca.pem"),
            "distributed.comm.tls.client.cert": str(tmp_path / "client.pem"),
            "distributed.comm.tls.client.key": str(tmp_path / "client.key"),
        }
    ):
        check_tls_settings("tls://10.0.0.5:8786")
