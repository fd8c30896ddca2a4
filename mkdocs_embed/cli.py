"""``mkdocs-embed``: index any built site, and search it from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EmbedError
from .log import log, setup_cli_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mkdocs-embed", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build the semantic index of a built site folder")
    index.add_argument("site_dir", type=Path)
    index.add_argument("--model", default="default", help="'default', a local directory, or a Hugging Face repo id")
    index.add_argument("--cache-dir", type=Path, help="vector cache (default: SITE_DIR/../.cache/mkdocs-embed)")
    index.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="leave out matching pages")
    index.add_argument("--no-widget", action="store_true", help="write the index only, no search UI")

    query = commands.add_parser("query", help="search a site's index from the terminal")
    query.add_argument("site_dir", type=Path)
    query.add_argument("question")
    query.add_argument("-k", type=int, default=10, help="number of results")
    query.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "lexical"))

    args = parser.parse_args(argv)
    setup_cli_logging(args.verbose)
    try:
        if args.command == "index":
            return _index(args)
        return _query(args)
    except EmbedError as exc:
        log.error("embed: %s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("embed: interrupted; the cache and the site keep their last complete state")
        return 130


def _index(args: argparse.Namespace) -> int:
    from .pipeline import build_index
    from .settings import BuildSettings, ModelSettings

    site_dir = args.site_dir.resolve()
    if not site_dir.is_dir():
        raise EmbedError(f"{args.site_dir} is not a folder; point it at a built site")
    settings = BuildSettings(
        site_dir=site_dir,
        cache_dir=args.cache_dir or site_dir.parent / ".cache" / "mkdocs-embed",
        model=ModelSettings(name=args.model),
        exclude=tuple(args.exclude),
    )
    report = build_index(settings)
    log.info(report.summary())
    log.info(report.cost_line(settings.price_per_million))
    return 0


def _query(args: argparse.Namespace) -> int:
    from .search.engine import SearchEngine

    engine = SearchEngine.open(args.site_dir)
    for result in engine.search(args.question, k=args.k, mode=args.mode):
        print(f"{result.score:.4f}  {result.href}  {' › '.join(result.path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
