"""`metrokb ask` in its own process, as a user runs it: the answer with its citation, JSON as POST /ask gives it,
and a clear error (exit 2) for a question or filter it cannot take."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import KB, ROOT


def _ask(index_dir, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"HF_HUB_OFFLINE": "1", "METROKB_INDEX_DIR": str(index_dir), "METROKB_KB_DIR": str(KB)}
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ask", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ask_prints_the_answer_with_its_citation(index_dir):
    done = _ask(index_dir, "南昌市到2025年强检计量器具检定覆盖率要达到多少？")
    assert done.returncode == 0, done.stderr
    assert "92%" in done.stdout and "南昌" in done.stdout and "[1]" in done.stdout


def test_ask_json_is_the_answer_object(index_dir):
    done = _ask(index_dir, "计量技术委员会由谁统一管理？", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["citations"] and answer["citations"][0]["clause_id"].startswith("samr-2022/")


def test_ask_an_unknown_filter_is_a_clear_error(index_dir):
    done = _ask(index_dir, "覆盖率要达到多少？", "--doc-id", "no-such-document")
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "no-such-document" in done.stderr
