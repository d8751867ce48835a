"""`metrokb` command line: ingest, ask, serve, ui, eval, quiz, bench — thin over the retriever core."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter

from retriever.config import get_settings

log = logging.getLogger("metrokb")


def _progress():
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc="embedding chunks", unit="chunk", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def cmd_ingest(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from retriever.embed import get_embedder
    from retriever.index import build_index, read_kb

    settings = get_settings()
    console = Console(stderr=False)
    if args.check:
        report = read_kb(settings.kb_dir)
        for nb in report.built:
            kinds = Counter(f.kind for f in nb.facts)
            console.print(f"[bold]{nb.notice.file}[/bold] → {nb.notice.doc_id}  《{nb.notice.title}》")
            console.print(f"  clauses: {len(nb.clauses)}  responsibilities: {kinds['responsibility']}  "
                          f"targets: {kinds['target']}  deadlines: {kinds['deadline']}")
            for w in nb.warnings:
                console.print(f"  [yellow]warning:[/yellow] {w}")
        for name, reason in report.skipped.items():
            console.print(f"[red]skipped[/red] {reason}")
        return 1 if not report.built or (args.strict and (report.skipped or any(nb.warnings for nb in report.built))) else 0

    report = build_index(settings.kb_dir, settings.index_dir, get_embedder(settings.embedder),
                         settings.chunk_chars, progress=_progress(), force=args.force)
    for name, reason in report.skipped.items():
        console.print(f"[red]skipped[/red] {reason}")
    if not report.built:
        console.print(f"[red]nothing could be indexed from {settings.kb_dir}[/red]; the previous index is unchanged")
        return 1
    table = Table(title="MetroKB ingest" + ("" if report.changed else " (index up to date, nothing rebuilt)"))
    for col in ("notice", "doc_id", "clauses", "facts", "warnings"):
        table.add_column(col)
    for nb in report.built:
        table.add_row(nb.notice.file, nb.notice.doc_id, str(len(nb.clauses)), str(len(nb.facts)), str(len(nb.warnings)))
    console.print(table)
    chunks = report.embedded + report.reused
    console.print(f"notices: {len(report.built)}  clauses: {sum(len(nb.clauses) for nb in report.built)}  "
                  f"facts: {sum(len(nb.facts) for nb in report.built)}  chunks: {chunks} "
                  f"(embedded {report.embedded}, re-used {report.reused})  seconds: {report.seconds:.2f}")
    console.print(f"index: {settings.index_dir / 'current'}")
    return 1 if args.strict and report.skipped else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metrokb", description="MetroKB: cited answers from metrology notices")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="clean, parse and index the notices in kb/")
    p.add_argument("--check", action="store_true", help="print the per-notice parse report; build nothing")
    p.add_argument("--strict", action="store_true", help="exit non-zero if any notice was skipped")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.set_defaults(func=cmd_ingest)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
