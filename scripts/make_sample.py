"""Rebuild the bundled demo sample from the shared 88k corpus (CC0 arXiv metadata).

    python scripts/make_sample.py ../shared/data/arxiv-88k.jsonl.gz --since 2026-06-15

Keeps every paper listed on or after --since, in the corpus's own JSON lines format.
"""

import argparse
import gzip
from pathlib import Path

import orjson

OUT = Path(__file__).resolve().parent.parent / "src/paperwire/sample/arxiv-sample.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--since", default="2026-06-15", help="first listing date kept (YYYY-MM-DD)")
    args = parser.parse_args()
    kept = 0
    # mtime=0: the same input gives byte-identical output.
    with gzip.open(args.corpus, "rb") as src, gzip.GzipFile(OUT, "wb", mtime=0) as out:
        for line in src:
            if orjson.loads(line)["first_listing_date"] >= args.since:
                out.write(line)
                kept += 1
    print(f"{kept} papers -> {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
