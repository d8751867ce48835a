"""Build, swap and load the clause index: FAISS (LangChain) + BM25 + clauses, facts and a manifest.

Layout of `index_dir`:
    current -> builds/<stamp>      (a symlink, replaced atomically at the end of a build)
    builds/<stamp>/manifest.json   format version, embedder, per-notice hashes, file SHA-256s
                  notices.json clauses.jsonl facts.jsonl chunks.jsonl vectors.npy faiss/
A build that dies half-way leaves `current` pointing at the previous, complete build.
"""

from __future__ import annotations

import hashlib
import json
import math
import logging
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import faiss
import numpy as np
import rjieba
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.retrievers import BM25Retriever
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from retriever.documents import formats, meta, refs
from retriever import patterns as P
from retriever.documents.catalog import read_catalog
from retriever.documents.clean import NoticeError, fold
from retriever.documents.facts import extract
from retriever.models import Chunk, Clause, Fact, Notice, ParseReport
from retriever.documents.parse import content_hash, parse_file

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
# Exact search while it is cheap; HNSW beyond (see bench/ for the effect).
FLAT_LIMIT = 50_000
DATA_FILES = (
    "notices.json",
    "clauses.jsonl",
    "facts.jsonl",
    "chunks.jsonl",
    "vectors.npy",
    "faiss/index.faiss",
    "faiss/index.pkl",
)


# Fields a catalog entry may set on a document (besides doc_id and repairs, which ingest reads itself).
CATALOG_FIELDS = (
    "title",
    "issuer",
    "doc_number",
    "date",
    "region",
    "level",
    "source",
    "addressees",
    "kind",
    "effective",
    "series",
)


class IndexLoadError(RuntimeError):
    """The index is missing, damaged or built differently; the message says how to rebuild."""


# --- tokens and chunks ------------------------------------------------------------------

_SKIP = set(" ，。、；：（）《》“”‘’！？,.;:()\"'!?-—[]〔〕\n")


def tokenize(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words of the folded text, punctuation dropped."""
    return [t for t in rjieba.cut_for_search(fold(text)) if t.strip() and not set(t) <= _SKIP]


def split_sentences(text: str, limit: int) -> list[str]:
    """Pieces of at most ~limit characters, cut after 。 or ；, or at a line's end (lists, tables)."""
    pieces, current = [], ""
    for sentence in P.SENTENCE_END.split(text.replace(";", "；")):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    return pieces + ([current] if current else [])


def make_chunks(notice: Notice, clauses: list[Clause], limit: int) -> list[Chunk]:
    chunks = []
    for clause in clauses:
        context = f"{notice.title}（{notice.region or ''}{notice.level}）{clause.path}{clause.heading}"
        pieces = split_sentences(clause.text, limit)
        for i, piece in enumerate(pieces):
            embed_text = f"{context}\n{piece}"
            chunks.append(
                Chunk(
                    chunk_id=f"{clause.clause_id}#{i}" if len(pieces) > 1 else clause.clause_id,
                    clause_id=clause.clause_id,
                    doc_id=clause.doc_id,
                    text=piece,
                    embed_text=embed_text,
                    tokens=tuple(tokenize(embed_text)),
                )
            )
    return chunks


# --- reading kb/ --------------------------------------------------------------------------


@dataclass
class NoticeBuild:
    notice: Notice
    clauses: list[Clause]
    facts: list[Fact]
    warnings: list[str]  # what a person should look at: numbering gaps, damage, a file name for a title
    notes: list[str] = field(default_factory=list)  # what ingest decided: no catalog entry, an older version


@dataclass
class Report:
    built: list[NoticeBuild] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> reason
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    changed: bool = True
    path: Path | None = None


def notice_files(kb_dir: Path, extra_dirs: tuple[Path, ...] | list[Path] = ()) -> list[Path]:
    """Document files (formats.SUFFIXES) of kb/ and of any extra folders, each folder's README.md aside."""
    found = []
    for folder in (kb_dir, *extra_dirs):
        found += sorted(
            p
            for p in folder.iterdir()
            if p.is_file()
            and p.suffix.lower() in formats.SUFFIXES
            and not (folder != kb_dir and p.name.lower() == "readme.md")
        )
    return found


def slug(name: str) -> str:
    """A file's default doc_id: its name without extension, every non-alphanumeric character a hyphen."""
    return "".join(c if c.isalnum() else "-" for c in Path(name).stem).strip("-").lower() or "notice"


def read_notice(
    path: Path,
    entry: dict | None,
    limits: formats.Limits = formats.Limits(),
    progress: formats.PageProgress | None = None,
    name: str | None = None,
) -> NoticeBuild:
    """Read, clean and parse one document file of any supported format (see documents/formats.py); `name` is the
    file as the knowledge base knows it (`batch.zip/notice.pdf` for a zip's member), by default the file's name."""
    name = name or path.name
    extracted = formats.read_file(path, limits, progress)
    data = path.read_bytes() if extracted.kind == "text" else extracted.text.encode("utf-8")
    doc_id = (entry or {}).get("doc_id") or slug(path.name)
    parsed = parse_file(data, name, doc_id, (entry or {}).get("repairs"))
    warnings = list(parsed.warnings) + extracted.warnings
    notes = [] if entry is not None else ["no catalog entry in kb/catalog.yaml; metadata read from the text"]
    notes += extracted.notes()
    if parsed.notice.title == name and not (entry or {}).get("title"):
        warnings.append("no title line found; the file name stands in (give a title in kb/catalog.yaml)")
    overrides = {
        k: (str(v) if k in ("date", "effective") else v)
        for k, v in (entry or {}).items()
        if k in CATALOG_FIELDS and v is not None
    }
    if extracted.kind == "pdf":
        find = formats.page_of(extracted.pages, extracted.text)
        parsed.clauses[:] = [c.model_copy(update={"page": find(c.text)}) for c in parsed.clauses]
    facts, fact_warnings = extract(parsed.clauses)
    warnings += fact_warnings
    catalog_text = json.dumps(entry or {}, sort_keys=True, ensure_ascii=False, default=str).encode()
    notice = meta.complete(parsed.notice, overrides).model_copy(
        update={"content_hash": content_hash(data + catalog_text), "warnings": tuple(warnings)}
    )
    return NoticeBuild(notice, parsed.clauses, facts, warnings, notes)


def parse_summary(nb: NoticeBuild) -> ParseReport:
    """What ingest made of one document: metadata, structure, facts, warnings (`ingest --check`, upload jobs)."""
    n = nb.notice
    articles = [c for c in nb.clauses if c.kind == "article"]
    return ParseReport(
        doc_id=n.doc_id,
        file=n.file,
        title=n.title,
        kind=n.kind,
        style=n.style,
        region=n.region,
        level=n.level,
        issuer=n.issuer,
        date=n.date,
        effective=n.effective,
        status=n.status,
        superseded_by=n.superseded_by,
        clauses=dict(Counter(c.kind for c in nb.clauses)),
        articles=len(articles),
        last_article=max((c.number or 0 for c in articles), default=None),
        first_article=min((c.number or 0 for c in articles), default=None),
        part=n.part,
        part_of=n.part_of,
        facts=dict(Counter(f.kind for f in nb.facts)),
        references=sum(len(c.refs) for c in nb.clauses),
        warnings=tuple(nb.warnings),
        notes=tuple(nb.notes),
    )


def text_signature(clauses: list[Clause]) -> str:
    """What makes two files the same document: the same clauses with the same text, whatever their format."""
    h = hashlib.sha256()
    for c in clauses:
        h.update(f"{c.clause_id.split('/', 1)[-1]}\0{fold(c.text)}\0".encode())
    return h.hexdigest()


def read_kb(
    kb_dir: Path, extra_dirs: tuple[Path, ...] | list[Path] = (), limits: formats.Limits = formats.Limits()
) -> Report:
    """Parse every document in kb/ (and extra folders, read in place); a bad file is reported by name and
    the rest still build; a second file with the same text (another format) is reported as a duplicate.
    A zip's files are read each on its own, as `<zip>/<file>`. The catalog is kb/catalog.yaml, keyed by file name."""
    report = Report()
    catalog = read_catalog(kb_dir)
    seen: dict[str, str] = {}
    texts: dict[str, str] = {}  # text signature -> file

    def take(path: Path, name: str) -> None:
        try:
            nb = read_notice(path, catalog.get(name), limits, name=name)
        except NoticeError as exc:
            report.skipped[name] = str(exc)
            log.warning("%s", exc)
            return
        except OSError as exc:
            report.skipped[name] = f"{name}: cannot be read ({exc.strerror}); skipped"
            return
        signature = text_signature(nb.clauses)
        if signature in texts:
            report.skipped[name] = duplicate_message(name, texts[signature])
        elif nb.notice.doc_id in seen:
            report.skipped[name] = (
                f"{name}: doc_id {nb.notice.doc_id!r} is already used by "
                f"{seen[nb.notice.doc_id]}; give it its own doc_id in kb/catalog.yaml"
            )
        else:
            seen[nb.notice.doc_id], texts[signature] = name, name
            report.built.append(nb)

    for path in notice_files(kb_dir, extra_dirs):
        if not formats.is_archive(path):
            take(path, path.name)
            continue
        try:
            members, refused = formats.unpack(path, limits)
        except (NoticeError, OSError) as exc:
            report.skipped[path.name] = str(exc)
            continue
        report.skipped |= {f"{path.name}/{member}": reason for member, reason in refused.items()}
        for member in members:
            take(member, f"{path.name}/{member.name}")
    _link(report.built)
    return report


def duplicate_message(file: str, original: str) -> str:
    return (
        f"{file}: the same text as {original} (the same document in another format); not indexed twice — "
        f"remove one of the two files"
    )


def _link(built: list[NoticeBuild]) -> None:
    """What only the whole knowledge base tells: which version of a document is current, what references resolve to."""
    articles = {
        nb.notice.doc_id: (min(numbers), max(numbers))
        for nb in built
        if (numbers := [c.number for c in nb.clauses if c.kind == "article" and c.number])
    }
    notices = meta.assign_versions([nb.notice for nb in built], articles)
    clauses = refs.resolve(notices, {nb.notice.doc_id: nb.clauses for nb in built})
    for nb in built:
        nb.notice, nb.clauses = notices[nb.notice.doc_id], clauses[nb.notice.doc_id]
        if nb.notice.status == "superseded":
            nb.notes.append(f"an older version of 《{nb.notice.title}》; {nb.notice.superseded_by} is current")


# --- building -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Top-level modules whose code shapes clauses and chunks, beside retriever/documents/.
PIPELINE_MODULES = ("numerals.py", "patterns.py", "index.py")


def pipeline_version() -> str:
    """A hash of the code that turns documents into clauses, facts and chunks (every module of
    retriever/documents/ and the data they use): changing it re-parses kb/."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for path in [*sorted((here / "documents").glob("*.py")), *(here / m for m in PIPELINE_MODULES)]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _rebuild_reason(old: dict | None, hashes: dict, model_id: str, current: Path) -> str | None:
    """Why the index in `current` cannot be reused as it is (None when it can)."""
    if not old:
        return "no index yet"
    if old.get("format_version") != FORMAT_VERSION:
        return f"index format {old.get('format_version')} is older than {FORMAT_VERSION}"
    if old.get("pipeline") != pipeline_version():
        return "the code that reads documents changed since the last build; unchanged chunks keep their vectors"
    if old.get("embedder") != model_id:
        return f"the embedder changed ({old.get('embedder')} -> {model_id})"
    if old.get("notices") != hashes:
        return "documents were added, changed or removed"
    if not _intact(current, old):
        return "the current build is damaged or incomplete"
    return None


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _previous_vectors(index_dir: Path, model_id: str) -> dict[str, np.ndarray]:
    """Embeddings of the current build keyed by embedded text, to re-use for unchanged chunks.

    Nothing is re-used from a build whose files fail their checksums."""
    current = index_dir / "current"
    try:
        manifest = json.loads((current / "manifest.json").read_text())
        if manifest["embedder"] != model_id or not _intact(current, manifest):
            return {}
        vectors = np.load(current / "vectors.npy")
        keys = [json.loads(line)["key"] for line in (current / "chunks.jsonl").open(encoding="utf-8")]
        return dict(zip(keys, vectors))
    except (OSError, KeyError, ValueError):
        return {}


def _faiss_index(dim: int, n: int) -> faiss.Index:
    if n <= FLAT_LIMIT:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = 128
    return index


def build_index(
    kb_dir: Path,
    index_dir: Path,
    embedder: Embeddings,
    chunk_chars: int = 360,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    extra_dirs: tuple[Path, ...] | list[Path] = (),
    limits: formats.Limits = formats.Limits(),
) -> Report:
    """Parse kb/ (and extra folders), embed what changed, write a new build beside the old one and swap it in."""
    started = time.perf_counter()
    report = read_kb(kb_dir, extra_dirs, limits)
    if not report.built:
        report.seconds = time.perf_counter() - started
        return report
    model_id = getattr(embedder, "model_id", type(embedder).__name__)
    hashes = {nb.notice.file: {"doc_id": nb.notice.doc_id, "hash": nb.notice.content_hash} for nb in report.built}
    old = _read_manifest(index_dir / "current")
    reason = "forced" if force else _rebuild_reason(old, hashes, model_id, index_dir / "current")
    if reason is None:
        report.changed, report.reused = False, old.get("counts", {}).get("chunks", 0)
        report.seconds, report.path = time.perf_counter() - started, (index_dir / "current").resolve()
        return report

    log.info("building a new index: %s", reason)
    chunks = [c for nb in report.built for c in make_chunks(nb.notice, nb.clauses, chunk_chars)]
    cache = _previous_vectors(index_dir, model_id)
    keys = [_key(c.embed_text) for c in chunks]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    dim = getattr(embedder, "dim", None) or len(embedder.embed_query("计量"))
    vectors = np.zeros((len(chunks), dim), dtype="float32")
    for i, k in enumerate(keys):
        if k in cache:
            vectors[i] = cache[k]
    batch = 32
    if progress and todo:
        progress(0, len(todo))
    for start in range(0, len(todo), batch):
        ids = todo[start : start + batch]
        vectors[ids] = np.asarray(embedder.embed_documents([chunks[i].embed_text for i in ids]), dtype="float32")
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    report.embedded, report.reused = len(todo), len(chunks) - len(todo)

    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.perf_counter_ns() % 10**6}"
    tmp = builds / f".{stamp}.partial"
    tmp.mkdir()
    _write_build(tmp, report, chunks, keys, vectors, embedder, model_id)
    manifest = {
        "format_version": FORMAT_VERSION,
        "pipeline": pipeline_version(),
        "embedder": model_id,
        "dim": dim,
        "notices": hashes,
        "counts": {
            "notices": len(report.built),
            "clauses": sum(len(nb.clauses) for nb in report.built),
            "facts": sum(len(nb.facts) for nb in report.built),
            "chunks": len(chunks),
        },
        "files": {name: _sha256(tmp / name) for name in DATA_FILES},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    final = builds / stamp
    tmp.rename(final)
    _swap(index_dir, final)
    report.seconds, report.path = time.perf_counter() - started, final
    return report


def _write_build(path: Path, report: Report, chunks, keys, vectors, embedder, model_id) -> None:
    with open(path / "notices.json", "w", encoding="utf-8") as f:
        json.dump([nb.notice.model_dump() for nb in report.built], f, ensure_ascii=False, indent=1)
    _write_jsonl(path / "clauses.jsonl", (c.model_dump() for nb in report.built for c in nb.clauses))
    _write_jsonl(path / "facts.jsonl", (x.model_dump() for nb in report.built for x in nb.facts))
    _write_jsonl(path / "chunks.jsonl", (c.model_dump() | {"key": k} for c, k in zip(chunks, keys)))
    np.save(path / "vectors.npy", vectors)
    index = _faiss_index(vectors.shape[1], len(chunks))
    index.add(vectors)
    docs = {
        c.chunk_id: Document(
            page_content=c.text, metadata={"chunk_id": c.chunk_id, "clause_id": c.clause_id, "doc_id": c.doc_id}
        )
        for c in chunks
    }
    store = FAISS(
        embedder,
        index,
        InMemoryDocstore(docs),
        {i: c.chunk_id for i, c in enumerate(chunks)},
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )
    store.save_local(str(path / "faiss"))


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _swap(index_dir: Path, build: Path) -> None:
    """Point `current` at the new build atomically, then remove all but it and its predecessor."""
    previous = (index_dir / "current").resolve() if (index_dir / "current").exists() else None
    link = index_dir / f".current.{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(build.relative_to(index_dir))
    os.replace(link, index_dir / "current")
    keep = (build.resolve(), previous)  # resolved: index_dir may be a relative path
    for old in (index_dir / "builds").iterdir():
        if old.resolve() not in keep and not old.name.endswith(".partial"):
            shutil.rmtree(old, ignore_errors=True)
        elif old.name.endswith(".partial") and time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)


def _read_manifest(build: Path) -> dict | None:
    try:
        return json.loads((build / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def _intact(build: Path, manifest: dict) -> bool:
    try:
        return all(_sha256(build / name) == sha for name, sha in manifest["files"].items())
    except (OSError, KeyError):
        return False


# --- loading ------------------------------------------------------------------------------


class SparseBM25(BM25Okapi):
    """rank_bm25's BM25Okapi with each term's postings (chunk rows, term-frequency parts) computed once at load.

    The same numbers as BM25Okapi.get_scores, which loops in Python over every chunk for every query
    token: ~20-40 ms a question at 2,000 chunks, ten times that at 20,000. Here it is one add per token.
    `get_scores` takes the words' idf as an argument too: weights counted over the chunks a question is
    answered from (Index.scope_idf) rather than over every document held.
    """

    @classmethod
    def of(cls, okapi: BM25Okapi) -> SparseBM25:
        bm25 = cls.__new__(cls)
        bm25.__dict__.update(okapi.__dict__)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for row, (freqs, length) in enumerate(zip(okapi.doc_freqs, okapi.doc_len)):
            norm = okapi.k1 * (1 - okapi.b + okapi.b * length / okapi.avgdl)
            for term, f in freqs.items():
                rows, parts = postings.setdefault(term, ([], []))
                rows.append(row)
                parts.append(f * (okapi.k1 + 1) / (f + norm))
        bm25.postings = {t: (np.asarray(r), np.asarray(w)) for t, (r, w) in postings.items()}
        return bm25

    def get_scores(self, query: list[str], idf: dict[str, float] | None = None) -> np.ndarray:
        idf = self.idf if idf is None else idf
        scores = np.zeros(self.corpus_size)
        for term in query:  # a repeated token counts again, as in BM25Okapi
            if term in self.postings:
                rows, parts = self.postings[term]
                scores[rows] += idf[term] * parts
        return scores


class Index:
    """A loaded, read-only index: notices, clauses, facts, chunks, dense and lexical search."""

    def __init__(self, path: Path, embedder: Embeddings) -> None:
        manifest = _read_manifest(path)
        rebuild = "run `python ingest.py` (or `metrokb ingest`) to build it"
        if manifest is None:
            raise IndexLoadError(f"no readable index manifest at {path}; {rebuild}")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexLoadError(
                f"index at {path} has format {manifest.get('format_version')}, "
                f"this MetroKB reads {FORMAT_VERSION}; {rebuild}"
            )
        model_id = getattr(embedder, "model_id", type(embedder).__name__)
        if manifest["embedder"] != model_id:
            raise IndexLoadError(
                f"index at {path} was built with embedder {manifest['embedder']!r}, but the "
                f"configured embedder is {model_id!r}; re-run ingest (`python ingest.py`) with the "
                "embedder you want, or configure the one the index was built with"
            )
        for name, sha in manifest["files"].items():
            if not (path / name).exists():
                raise IndexLoadError(f"index file {path / name} is missing; {rebuild}")
            if _sha256(path / name) != sha:
                raise IndexLoadError(
                    f"index file {path / name} is damaged (checksum mismatch); run `python ingest.py` to rebuild it"
                )
        self.path, self.manifest, self.embedder = path, manifest, embedder
        self.notices = {n["doc_id"]: Notice(**n) for n in json.loads((path / "notices.json").read_text())}
        self.clauses = {c.clause_id: c for c in map(lambda r: Clause(**r), _read_jsonl(path / "clauses.jsonl"))}
        self.facts: dict[str, list[Fact]] = {}  # by clause_id
        self._doc_facts: dict[str, list[Fact]] = {}
        for row in _read_jsonl(path / "facts.jsonl"):
            fact = Fact(**row)
            self.facts.setdefault(fact.clause_id, []).append(fact)
            self._doc_facts.setdefault(fact.doc_id, []).append(fact)
        self._doc_clauses: dict[str, list[Clause]] = {}
        for clause in sorted(self.clauses.values(), key=lambda c: c.position):
            self._doc_clauses.setdefault(clause.doc_id, []).append(clause)
        self.regions: dict[str, list[str]] = {}  # region -> doc_ids
        for notice in self.notices.values():
            if notice.region:
                self.regions.setdefault(notice.region, []).append(notice.doc_id)
        self.current = {d for d, n in self.notices.items() if n.status == "current"}  # newest versions
        self.referrers: dict[str, list[str]] = {}  # clause id -> the clauses that refer to it (违反本条例第X条…)
        for clause in self.clauses.values():
            for ref in clause.refs:
                if ref.target and clause.clause_id not in self.referrers.get(ref.target, []):
                    self.referrers.setdefault(ref.target, []).append(clause.clause_id)
        self.chunks = [
            Chunk(**{k: v for k, v in row.items() if k != "key"}) for row in _read_jsonl(path / "chunks.jsonl")
        ]
        self.vectors = np.load(path / "vectors.npy")
        self.store = FAISS.load_local(
            str(path / "faiss"),
            embedder,
            allow_dangerous_deserialization=True,
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
        )
        self.bm25 = BM25Retriever.from_texts(
            [" ".join(c.tokens) for c in self.chunks],
            preprocess_func=str.split,
            metadatas=[{"chunk_id": c.chunk_id} for c in self.chunks],
        )
        self.bm25.vectorizer = SparseBM25.of(self.bm25.vectorizer)
        self._folded = "\n".join(fold(c.text) for c in self.clauses.values())
        self.doc_chunks: dict[str, np.ndarray] = {}
        for i, c in enumerate(self.chunks):
            self.doc_chunks.setdefault(c.doc_id, []).append(i)
        self.doc_chunks = {d: np.asarray(ix) for d, ix in self.doc_chunks.items()}

    def idf(self, term: str) -> float:
        """BM25 idf of a token: rare words weigh more; a token no chunk has weighs as the rarest one."""
        return max(self.bm25.vectorizer.idf.get(term, self._idf_max), 0.1)

    @cached_property
    def _idf_max(self) -> float:
        return max(self.bm25.vectorizer.idf.values(), default=1.0)

    def scope_idf(self, terms: list[str], doc_ids: list[str]) -> dict[str, float]:
        """Idf of each term counted over the chunks of doc_ids only: log(1 + (N - n + 0.5) / (n + 0.5)).

        A word's weight is how well it tells apart the articles a question is answered from; forty laws on
        other subjects held beside them should not change it (a word rare among the metrology articles stays
        rare however many labour articles never use it). This form (Lucene's) stays positive where a word is
        in most of a small scope's chunks (的, 计量 in the metrology law), where rank_bm25's would go negative
        and be floored above the words that do tell articles apart. A term the scope lacks weighs as its
        rarest."""
        mask = np.zeros(len(self.chunks), dtype=bool)
        for d in doc_ids:
            if d in self.doc_chunks:
                mask[self.doc_chunks[d]] = True
        size = int(mask.sum())
        postings = self.bm25.vectorizer.postings
        weights = {}
        for term in terms:
            n = int(mask[postings[term][0]].sum()) if term in postings else 0
            weights[term] = max(math.log(1 + (size - n + 0.5) / (n + 0.5)), 0.1)
        return weights

    @cached_property
    def _clause_rows(self) -> dict[str, int]:
        """Each clause's first chunk: its vector stands for the clause when clauses are compared."""
        rows: dict[str, int] = {}
        for i, c in enumerate(self.chunks):
            rows.setdefault(c.clause_id, i)
        return rows

    def nearest_clause(self, clause_id: str, among: list[str]) -> tuple[str, float] | None:
        """The clause among `among` nearest in meaning to clause_id (cosine of their first chunks), with its
        cosine; None when none of them has a vector."""
        rows = self._clause_rows
        ids = [c for c in among if c in rows and c != clause_id]
        if clause_id not in rows or not ids:
            return None
        sims = self.vectors[[rows[c] for c in ids]] @ self.vectors[rows[clause_id]]
        best = int(np.argmax(sims))
        return ids[best], float(sims[best])

    def mentions(self, folded_term: str) -> bool:
        """Whether any clause of any notice contains the (folded) term."""
        return folded_term in self._folded

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """A notice's clauses in document order."""
        return list(self._doc_clauses.get(doc_id, []))

    def facts_of(self, doc_id: str | None = None, kind: str | None = None) -> list[Fact]:
        facts = (
            self._doc_facts.get(doc_id, [])
            if doc_id is not None
            else [f for fs in self._doc_facts.values() for f in fs]
        )
        return [f for f in facts if kind is None or f.kind == kind]


def _read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_index(index_dir: Path, embedder: Embeddings) -> Index:
    current = index_dir / "current"
    if not current.exists():
        raise IndexLoadError(f"no index in {index_dir}; run `python ingest.py` (or `metrokb ingest`) to build it")
    return Index(current.resolve(), embedder)
