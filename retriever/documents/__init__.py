"""Reading documents: decode and clean, parse the clause tree, metadata, references, facts, the catalog."""
