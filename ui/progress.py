"""Terminal progress bars for the command line and the evaluation (interfaces only: the core reports progress
through callbacks and draws nothing)."""

import sys


def embedding_progress():
    """A progress bar for the chunks an index build embeds (none when the index is up to date)."""
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
