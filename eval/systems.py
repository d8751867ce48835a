"""The systems an evaluation compares: the product, its ablations and the baselines, and which one is gated."""

SYSTEMS = {
    "metrokb": "MetroKB (hybrid)",
    "lexical": "lexical-only",
    "dense": "dense-only",
    "langchain": "LangChain plain (500/50, top chunk)",
    "bm25-lines": "BM25 over lines (independent, top line)",
}
GATED_SYSTEM = "metrokb"
# The independent baseline a gate may require the product to beat.
INDEPENDENT = "bm25-lines"
