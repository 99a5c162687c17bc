"""The systemd unit in deploy/ is one that systemd accepts, with the settings a service needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[1] / "deploy" / "so-lien-lac.service"
INSTALLED_PYTHON = "/opt/so-lien-lac/.venv/bin/python"


def _unit() -> ConfigParser:
    parser = ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(UNIT, encoding="utf-8")
    return parser


def test_the_unit_restarts_runs_as_its_own_user_and_reads_config_and_secrets() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] == "solienlac"
    assert service["EnvironmentFile"].startswith("/etc/so-lien-lac/")
    assert "--config /etc/so-lien-lac/config.toml" in service["ExecStart"]
    assert service["StandardOutput"] == "journal"
    # A configuration error exits 2 (bot/__main__.py); restarting cannot mend it.
    assert service["RestartPreventExitStatus"] == "2"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # The unit names the installed path; here the interpreter running the tests stands in for
    # it, since verify insists that ExecStart exists. Nothing else is changed.
    text = UNIT.read_text(encoding="utf-8")
    assert INSTALLED_PYTHON in text
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace(INSTALLED_PYTHON, sys.executable), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if UNIT.name in line or "Unknown" in line
    ]
    assert done.returncode == 0 and not complaints, done.stdout + done.stderr
