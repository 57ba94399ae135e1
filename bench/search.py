"""Search benchmark: hybrid latency, memory and build time against exact numpy + SQLite FTS5.

Same as `paperwire bench search`; figures go to docs/benchmarks.md ("## Search").

    python bench/search.py                                             # bundled sample
    python bench/search.py --from-home /work/cache/home88k             # arxiv-88k, stored vectors
    python bench/search.py --from-home /work/cache/home88k --size 1000000
"""

import sys

from paperwire.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "search", *sys.argv[1:]]))
