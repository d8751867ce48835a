"""Terminal progress bars for the command line and the evaluation (interfaces only: the core reports progress
through callbacks and draws nothing)."""

import sys


def counter(desc: str, unit: str):
    """A progress bar on stderr fed with (done, total) callbacks."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def embedding_progress():
    """A progress bar for the chunks an index build embeds (none when the index is up to date)."""
    return counter("embedding chunks", "chunk")
