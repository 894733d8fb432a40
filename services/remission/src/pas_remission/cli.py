"""`pas-remission-engine CASE.json` (or `python -m pas_remission.cli`): print the engine's full
result for one case as JSON. `-` reads the case from standard input."""

import argparse
import json
import sys

from pas_remission.app.cases import evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pas-remission-engine", description=__doc__)
    parser.add_argument("case", help="path to a case JSON file, or - for standard input")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.case == "-" else open(args.case, encoding="utf-8").read()
    try:
        result = evaluate(json.loads(text))
    except (KeyError, ValueError, TypeError) as exc:
        print(f"invalid case: {exc!r}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
