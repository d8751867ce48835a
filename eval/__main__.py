"""`python -m eval`: the same as `metrokb eval`."""

import sys

from eval.runner import main

if __name__ == "__main__":
    sys.exit(main())
