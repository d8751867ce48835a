"""MetroKB core: clean, parse, extract facts, index, retrieve and answer over metrology notices."""
