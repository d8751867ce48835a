"""`metrokb bench --kbs`: what growing the knowledge base costs. /ask p50 and p95 on the five notices, on the notices
plus the shared regulations, and on those plus the 40 STARD laws (about 6,400 chunks), each against one query
embedding measured in the same run (interleaved, so both see the same load); and ingest throughput against
embedding the same chunks alone. Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.run import Table, finish, load1, machine, ms, pct
from eval import kbs
from eval.people import load_people
from retriever.config import ROOT, get_settings

ROUNDS = 2


def questions() -> list[str]:
    """The dev-split questions of the notice, regulation and people sets: the same list on every knowledge base."""
    out = []
    for name in ("questions.jsonl", "regulations.jsonl"):
        path = ROOT / "eval" / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out += [r["question"] for r in rows if r.get("split") == "dev"]
    out += [item.question for item in load_people(ROOT / "eval" / "people.jsonl") if item.split == "dev"]
    return out


def latency(index, asked: list[str], rounds: int) -> tuple[list[float], list[float], list[str]]:
    """/ask and embed_query times (ms) for the same questions, interleaved, and the questions timed (those the API
    refuses are skipped)."""
    from retriever.answering.answer import QuestionError, ask

    usable = []
    for q in asked:  # warm-up
        try:
            ask(index, q)
            usable.append(q)
        except QuestionError:
            pass
    asks, floor = [], []
    for _ in range(rounds):
        for q in usable:
            t = time.perf_counter()
            index.embedder.embed_query(q)
            floor.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            ask(index, q)
            asks.append((time.perf_counter() - t) * 1000)
    return asks, floor, usable


def ingest_against_embedding(table: Table, embedder, kb: str) -> None:
    """A cold build of one knowledge base in a fresh folder, then embedding its chunks alone."""
    from retriever.index import build_index, load_index

    settings = get_settings()
    work = Path(tempfile.mkdtemp(prefix="metrokb-bench-kbs-"))
    try:
        started = time.perf_counter()
        report = build_index(settings.kb_dir, work / "index", embedder, extra_dirs=kbs.extra_dirs(kb))
        build_s = time.perf_counter() - started
        texts = [c.embed_text for c in load_index(work / "index", embedder).chunks]
        started = time.perf_counter()
        for i in range(0, len(texts), 32):
            embedder.embed_documents(texts[i : i + 32])
        embed_s = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = report.embedded + report.reused
    table.add(f"ingest ({kb})", "cold build", f"{build_s:.1f} s, {n / build_s:.1f} chunks/s", f"{n} chunks; {load1()}")
    table.add(
        f"ingest ({kb})",
        "embedding the same chunks alone",
        f"{embed_s:.1f} s, {n / embed_s:.1f} chunks/s",
        f"ingest takes {build_s / embed_s:.2f}× embedding alone",
    )


def run(out: Path | None = None, rounds: int = ROUNDS) -> str:
    from retriever.embed import get_embedder

    started, where = time.perf_counter(), machine()
    settings = get_settings()
    embedder = get_embedder(settings.embedder)
    table = Table()
    asked = questions()
    for kb in kbs.KBS:
        try:
            kbs.extra_dirs(kb)
        except kbs.KBMissing as e:
            table.add(f"/ask ({kb})", "latency", "not measured", str(e))
            continue
        print(f"{kb}: building or updating its index", file=sys.stderr)
        index = kbs.index_for(kb, settings, embedder)
        asks, floor, usable = latency(index, asked, rounds)
        note = f"{len(index.chunks)} chunks; {len(usable)} questions × {rounds} rounds; {load1()}"
        table.add(f"/ask ({kb})", "latency", ms(asks), note)
        table.add(f"/ask ({kb})", "embed_query alone", ms(floor), "same questions, interleaved")
        table.add(
            f"/ask ({kb})",
            "/ask ÷ floor",
            f"p50 {pct(asks, 50) / pct(floor, 50):.2f}× / p95 {pct(asks, 95) / pct(floor, 95):.2f}×",
            "",
        )
        del index
    ingest_against_embedding(table, embedder, "kb+regulations")
    return finish(table, "MetroKB benchmark, knowledge bases grown", where, settings.embedder, started, out)
