"""Build the MetroKB index from the notices in kb/ (same as `metrokb ingest`)."""

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main(["ingest", *sys.argv[1:]]))
