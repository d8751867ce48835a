"""`metrokb` command line: ingest, ask, serve, ui, eval, quiz, bench — thin over the retriever core."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from retriever.config import get_settings
from ui.progress import embedding_progress

log = logging.getLogger("metrokb")


def cmd_ingest(args) -> int:
    from rich.console import Console
    from rich.markup import escape

    from retriever.documents.clean import NoticeError
    from retriever.documents.formats import limits_of
    from retriever.embed import get_embedder
    from retriever.index import build_index, parse_summary, read_kb

    settings = get_settings()
    console = Console(stderr=False, soft_wrap=True)
    try:
        if args.check:
            report = read_kb(settings.kb_dir, settings.extra_kb_dirs, limits_of(settings))
        else:
            report = build_index(
                settings.kb_dir,
                settings.index_dir,
                get_embedder(settings.embedder),
                settings.chunk_chars,
                progress=embedding_progress(),
                force=args.force,
                extra_dirs=settings.extra_kb_dirs,
                limits=limits_of(settings),
            )
    except NoticeError as exc:
        console.print(f"[red]error[/red] {escape(str(exc))}")
        return 1
    for nb in report.built if args.check else ():
        _print_summary(console, parse_summary(nb))
    for reason in report.skipped.values():
        console.print(f"[red]skipped[/red] {escape(reason)}")
    if not report.built:
        console.print(
            f"[red]nothing could be indexed from {escape(str(settings.kb_dir))}[/red]"
            + ("" if args.check else "; the previous index is unchanged")
        )
        return 1
    if not args.check:
        _print_build(console, report, settings)
    return 1 if args.strict and report.skipped else 0


def cmd_add(args) -> int:
    """Copy files (a zip: each file it holds) into kb/ and index; a file that cannot be read or is a duplicate is
    reported and taken out of kb/ again, so it changes nothing. Exit 1 if any file was refused."""
    from rich.console import Console
    from rich.markup import escape

    from retriever.documents import formats
    from retriever.documents.clean import NoticeError
    from retriever.embed import get_embedder
    from retriever.index import build_index, duplicate_message, parse_summary, read_kb, read_notice, text_signature

    settings = get_settings()
    console, limits, kb = Console(soft_wrap=True), formats.limits_of(settings), settings.kb_dir
    have = {text_signature(nb.clauses): nb.notice.file for nb in read_kb(kb, settings.extra_kb_dirs, limits).built}
    added, refused = [], []
    with tempfile.TemporaryDirectory(prefix="metrokb-add-") as staging:
        for path in args.files:
            try:
                data = path.read_bytes()
                kind = formats.check(data, path.name, limits)
                members = formats.unzip(data, path.name, limits) if kind == "zip" else [formats.Member(path.name, data)]
            except (OSError, NoticeError) as exc:
                refused.append(str(exc) if isinstance(exc, NoticeError) else f"{path}: {exc.strerror}")
                continue
            for member in members:
                if member.data is None:
                    refused.append(member.refused or member.name)
                    continue
                if member.name.startswith(".") or (kb / member.name).exists():
                    refused.append(f"{member.name}: kb/{member.name} already exists (or is hidden); rename the file")
                    continue
                staged = Path(staging) / member.name
                staged.write_bytes(member.data)
                try:  # read where it waits: what cannot be read, or is there already, never enters kb/
                    signature = text_signature(read_notice(staged, None, limits).clauses)
                except NoticeError as exc:
                    refused.append(str(exc))
                    continue
                if signature in have:
                    refused.append(duplicate_message(member.name, have[signature]))
                    continue
                have[signature] = member.name
                shutil.copyfile(staged, kb / member.name)
                cache = Path(staging) / formats.CACHE_DIR / f"{member.name}.json"
                if cache.exists():
                    (kb / formats.CACHE_DIR).mkdir(exist_ok=True)
                    shutil.copyfile(cache, kb / formats.CACHE_DIR / cache.name)
                added.append(member.name)
    report = build_index(
        kb,
        settings.index_dir,
        get_embedder(settings.embedder),
        settings.chunk_chars,
        extra_dirs=settings.extra_kb_dirs,
        limits=limits,
    )
    for name in added:
        if name in report.skipped:
            refused.append(report.skipped[name])
            (kb / name).unlink(missing_ok=True)
            (kb / formats.CACHE_DIR / f"{name}.json").unlink(missing_ok=True)
    for nb in report.built:
        if nb.notice.file in added:
            _print_summary(console, parse_summary(nb))
    for reason in refused:
        console.print(f"[red]refused[/red] {escape(reason)}")
    return 1 if refused else 0


def _print_summary(console, report) -> None:
    """One document of the parse report: what it is, its structure, its facts, and what to look at."""
    from rich.markup import escape

    s = report.model_dump()
    console.print(f"[bold]{escape(s['file'])}[/bold] → {s['doc_id']}  《{escape(s['title'])}》")
    where = f"{s['region'] or '—'}/{s['level']}"
    version = "" if s["status"] == "current" else f"  superseded by {s['superseded_by']}"
    if s["part_of"]:
        version += f"  part: {escape(s['part'] or '—')} of {s['part_of']}"
    console.print(
        f"  {s['kind']}  {where}  issuer: {s['issuer'] or '—'}  date: {s['date'] or '—'}  "
        f"effective: {s['effective'] or '—'}  style: {s['style']}{version}"
    )
    structure = "  ".join(f"{k}: {v}" for k, v in s["clauses"].items())
    if s["articles"]:
        first = f"{s['first_article']}–" if (s["first_article"] or 1) > 1 else ""
        structure += f"  (articles {s['articles']} of 第{first}{s['last_article']}条)"
    console.print(f"  clauses: {sum(s['clauses'].values())}  {structure}  references: {s['references']}")
    console.print("  facts: " + ("  ".join(f"{k}: {v}" for k, v in sorted(s["facts"].items())) or "none"))
    for note in s["notes"]:
        console.print(f"  note: {escape(note)}")
    for w in s["warnings"]:
        console.print(f"  [yellow]warning:[/yellow] {escape(w)}")


def _print_build(console, report, settings) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="MetroKB ingest" + ("" if report.changed else " (index up to date, nothing rebuilt)"))
    for col in ("notice", "doc_id", "clauses", "facts", "warnings"):
        table.add_column(col)
    for nb in report.built:
        table.add_row(
            escape(nb.notice.file), nb.notice.doc_id, str(len(nb.clauses)), str(len(nb.facts)), str(len(nb.warnings))
        )
    console.print(table)
    chunks = report.embedded + report.reused
    console.print(
        f"notices: {len(report.built)}  clauses: {sum(len(nb.clauses) for nb in report.built)}  "
        f"facts: {sum(len(nb.facts) for nb in report.built)}  chunks: {chunks} "
        f"(embedded {report.embedded}, re-used {report.reused})  seconds: {report.seconds:.2f}"
    )
    console.print(f"index: {escape(str(settings.index_dir / 'current'))}")


def cmd_ask(args) -> int:
    from retriever.answering.answer import QuestionError, as_text
    from retriever.engine import Engine
    from retriever.answering.generate import GenerationUnavailable
    from retriever.answering.query import FilterError

    filters = {
        k: v
        for k, v in (("doc_id", args.doc_id), ("region", args.region), ("level", args.level), ("year", args.year))
        if v is not None
    }
    try:
        answer = Engine().ask(args.question, filters=filters or None, top_k=args.top_k, mode=args.mode)
    except (QuestionError, FilterError, GenerationUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(answer.model_dump_json(indent=1) if args.json else as_text(answer))
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from retriever.engine import Engine
    from retriever.index import IndexLoadError
    from server.app import create_app

    settings = get_settings()
    try:
        engine = Engine(settings)  # builds the index first if there is none
    except IndexLoadError as exc:  # damaged, partial or foreign index: say so and how to rebuild
        print(f"error: cannot serve: {exc}", file=sys.stderr)
        return 1
    print(f"MetroKB: API http://{args.host}:{args.port}/docs  chat http://{args.host}:{args.port}/ui", flush=True)
    uvicorn.run(create_app(settings, engine), host=args.host, port=args.port, log_level="info")
    return 0


def _split(values: list[str] | None) -> list[str] | None:
    return [v.strip() for arg in values for v in arg.split(",") if v.strip()] if values else None


def _layout(args) -> list[dict] | None:
    """A mock paper's sections from --single/--multiple/--fill/--judge counts and --points KIND=P."""
    from retriever.exam.quiz import POINTS

    points = dict(POINTS)
    for pair in _split(args.points) or []:
        kind, _, value = pair.partition("=")
        try:
            points[kind.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--points takes KIND=POINTS pairs such as single=1,multiple=2, not {pair!r}") from None
    counts = {k: getattr(args, k) for k in ("single", "multiple", "fill", "judge") if getattr(args, k) is not None}
    if not counts:
        return None
    return [{"kind": k, "count": c, "points": points[k]} for k, c in counts.items()]


def cmd_quiz(args) -> int:
    """Generate a seeded practice or mock paper and write it as json, csv, md (with answer key) or apkg."""
    if args.action == "check":
        return cmd_quiz_check(args)
    if args.action or args.bank:
        print("error: `metrokb quiz check BANK` checks a bank; a paper takes options only", file=sys.stderr)
        return 2

    from retriever.embed import get_embedder
    from retriever.exam.export import ExportError, format_for, render, write
    from retriever.index import IndexLoadError, load_index
    from retriever.models import QUIZ_KIND_NAMES, QUIZ_KINDS
    from retriever.exam.quiz import QuizError, all_items, counts, make_paper

    settings = get_settings()
    try:
        index = load_index(settings.index_dir, get_embedder(settings.embedder))
    except IndexLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.stats:
        per = {doc_id: Counter(kinds) for doc_id, kinds in counts(all_items(index)).items()}
        print("doc_id\t" + "\t".join(QUIZ_KIND_NAMES[k] for k in QUIZ_KINDS) + "\ttotal")
        for doc_id, c in sorted(per.items()) + [("total", sum(per.values(), Counter()))]:
            print(f"{doc_id}\t" + "\t".join(str(c[k]) for k in QUIZ_KINDS) + f"\t{sum(c.values())}")
        return 0
    fmt = format_for(args.output, args.format)
    try:
        paper = make_paper(
            index,
            args.n,
            _split(args.kinds),
            _split(args.doc_ids),
            args.seed,
            mode=args.mode,
            chapters=_split(args.chapters),
            sections=_layout(args),
            minutes=args.minutes,
            scoring=args.scoring or settings.multiple_scoring,
        )
        if args.output:
            write(paper, fmt, args.output)
        elif fmt == "apkg":
            raise ExportError("an Anki deck is a file: give -o FILE.apkg")
        else:
            print(render(paper, fmt))
    except (QuizError, ExportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if len(paper.items) < paper.n:
        print(f"note: only {len(paper.items)} items match the filters, not {paper.n}", file=sys.stderr)
    if args.output:
        print(
            f"{args.output}: {len(paper.items)} items, {paper.max_points:g} points, seed {paper.seed}, "
            f"paper_id {paper.paper_id}",
            file=sys.stderr,
        )
    return 0


def cmd_quiz_check(args) -> int:
    """Check a question bank against the knowledge base: a summary and every row not agreeing on stdout, the full
    report to -o FILE (.csv or .xlsx)."""
    from retriever.embed import get_embedder
    from retriever.exam.bank import BankError, check_bank, read_bank
    from retriever.exam.bank_export import report_csv, report_xlsx, summary_line
    from retriever.index import IndexLoadError, load_index
    from retriever.models import BANK_VERDICT_NAMES
    from ui.progress import counter

    settings = get_settings()
    if not args.bank:
        print("error: name the bank to check: metrokb quiz check bank.xlsx [-o report.xlsx]", file=sys.stderr)
        return 2
    if args.output and args.output.suffix.lower() not in (".csv", ".xlsx"):
        print(f"error: -o {args.output}: the report is written as .csv or .xlsx", file=sys.stderr)
        return 2
    try:
        bank = read_bank(args.bank.name, args.bank.read_bytes(), settings.bank_max_rows, settings.bank_max_bytes)
    except OSError as exc:
        print(f"error: cannot read {args.bank}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except BankError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        embedder = get_embedder(settings.embedder)
        index = load_index(settings.index_dir, embedder)
    except IndexLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = check_bank(index, embedder, bank, counter("checking items", "item"))
    print(summary_line(report))
    for row in report.rows:
        if row.verdict != "agree":
            print(f"第{row.row}行\t{BANK_VERDICT_NAMES[row.verdict]}\t{row.note}")
    if args.output:
        data = report_xlsx(report) if args.output.suffix.lower() == ".xlsx" else report_csv(report)
        args.output.write_bytes(data)
        print(f"{args.output}: report of {report.summary.total} items", file=sys.stderr)
    return 0


def cmd_ui(args) -> int:
    from retriever.engine import Engine
    from ui.app import launch

    engine = Engine(get_settings())  # builds the index first if there is none
    print(f"MetroKB chat: http://{args.host}:{args.port}/", flush=True)
    launch(engine, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metrokb", description="MetroKB: cited answers from metrology notices")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="clean, parse and index the notices in kb/")
    p.add_argument("--check", action="store_true", help="print the per-notice parse report; build nothing")
    p.add_argument("--strict", action="store_true", help="exit non-zero if any file in kb/ was skipped")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "add", help="copy documents (PDF, Word, WPS, web pages, text, or zips of these) into kb/ and index"
    )
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the same JSON object as POST /ask")
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--mode", choices=["extractive", "generative"], default=None)
    p.add_argument("--doc-id")
    p.add_argument("--region")
    p.add_argument("--level")
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="start the HTTP API (and the chat UI at /ui), building the index if needed")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("ui", help="start the chat UI on its own (no HTTP API), building the index if needed")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_ui)

    p = sub.add_parser(
        "quiz",
        help="exam practice or mock paper (单选/多选, also 填空/判断) as json, csv, md or Anki; "
        "`quiz check BANK` checks a question bank (.csv, .xlsx, .xls) against the knowledge base",
    )
    p.add_argument("action", nargs="?", choices=["check"], help="check: check the question bank BANK")
    p.add_argument("bank", nargs="?", type=Path, help="check: the bank, .csv (UTF-8 or GBK), .xlsx or .xls")
    p.add_argument(
        "--mode",
        choices=["practice", "mock"],
        default="practice",
        help="practice: --n items of --kinds; mock: the law subject's layout (default 60 单选 x 1 point "
        "+ 20 多选 x 2 points, 150 minutes)",
    )
    p.add_argument("--n", type=int, default=20, help="practice: number of items, 1-100 (default 20)")
    p.add_argument("--seed", type=int, help="same seed and options → same paper (random if omitted)")
    p.add_argument("--kinds", action="append", help="single,multiple,fill,judge (default: single,multiple)")
    p.add_argument("--doc-ids", action="append", help="documents to draw from, comma-separated (default: all)")
    p.add_argument("--chapters", action="append", help="chapters to draw from, e.g. 第五章 or 法律责任 (default: all)")
    for kind, name in (("single", "单选"), ("multiple", "多选"), ("fill", "填空"), ("judge", "判断")):
        p.add_argument(f"--{kind}", type=int, help=f"mock: number of {name} items")
    p.add_argument("--points", action="append", help="mock: points per item, e.g. single=1,multiple=2")
    p.add_argument("--minutes", type=float, help="mock: time limit in minutes (default 150)")
    p.add_argument(
        "--scoring",
        choices=["partial", "all_or_nothing"],
        help="multiple choice: partial (错选0分，少选每项0.5分; default, METROKB_MULTIPLE_SCORING) or all_or_nothing",
    )
    p.add_argument("--format", choices=["json", "csv", "md", "apkg"], help="default: from -o's suffix, else md")
    p.add_argument(
        "-o", "--output", type=Path, help="file to write (default: print to stdout); check: the report, .csv or .xlsx"
    )
    p.add_argument("--stats", action="store_true", help="print how many items of each kind each document yields")
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser("bench", help="benchmark ingest, /ask latency and throughput, the LangChain baseline and scale")
    p.add_argument(
        "--sizes", default="50,500", help="synthetic KB sizes in notices (default 50,500; long run: 50,500,5000)"
    )
    p.add_argument("--rounds", type=int, default=3, help="passes over the questions for latency (default 3)")
    p.add_argument("--load-seconds", type=float, default=10.0, help="seconds per concurrency level (default 10)")
    p.add_argument(
        "--max-minutes",
        type=float,
        default=120.0,
        help="time bound: a scale size whose ingest would not finish in it is reported as not run",
    )
    p.add_argument("--probes", type=int, default=600, help="generated questions per size (default 600)")
    p.add_argument("-o", "--output", type=Path, help="also write the table (markdown) to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    p.add_argument(
        "--formats",
        action="store_true",
        help="only measure reading documents: pages/s for text PDFs, scanned PDFs (OCR), .doc, against embedding",
    )
    p.add_argument(
        "--kbs",
        action="store_true",
        help="only measure growth: /ask p50/p95 on kb/, + regulations, + STARD laws against one query embedding, "
        "and ingest against embedding alone",
    )
    p.set_defaults(func=cmd_bench)

    from eval.runner import add_arguments as add_eval_arguments

    p = sub.add_parser("eval", help="evaluate answers and citations on the evaluation set, with baselines side by side")
    add_eval_arguments(p)
    p.set_defaults(func=cmd_eval)
    return parser


def cmd_eval(args) -> int:
    """Run eval/runner.py: Markdown report on stdout, JSON and Markdown files; --gate exits 1 under the CI thresholds."""
    from eval.runner import run

    return run(args)


def cmd_bench(args) -> int:
    """Run bench/run.py and print its one table (progress goes to stderr); --formats runs bench/formats.py, --kbs
    bench/grown.py."""
    if args.kbs:
        from bench.grown import run as run_kbs

        print(run_kbs(out=args.output))
        return 0
    if args.formats:
        from bench.formats import run as run_formats

        print(run_formats(get_settings().embedder))
        return 0
    from bench.run import run

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(
        run(
            sizes,
            rounds=args.rounds,
            load_seconds=args.load_seconds,
            max_minutes=args.max_minutes,
            probe_limit=args.probes,
            out=args.output,
            keep=args.keep,
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
