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
    index.add_argument("--placeholder", default="Search the docs", help="text of the empty search box")

    query = commands.add_parser("query", help="search a site's index from the terminal")
    query.add_argument("site_dir", type=Path)
    query.add_argument("question")
    query.add_argument("-k", type=int, default=10, help="number of results")
    query.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "lexical"))

    evaluate = commands.add_parser("eval", help="measure search quality against labelled queries")
    evaluate.add_argument("queries", type=Path, help="JSONL: {\"query\": ..., \"relevant\": [\"page/\", \"page/#anchor\"]}")
    evaluate.add_argument("site_dir", type=Path)
    evaluate.add_argument("--min-ndcg", type=float, help="exit 1 when hybrid nDCG@10 is under this")
    evaluate.add_argument("--json", type=Path, metavar="FILE", help="also write each query's ranks and top 10, per mode")

    args = parser.parse_args(argv)
    setup_cli_logging(args.verbose)
    try:
        if args.command == "index":
            return _index(args)
        if args.command == "eval":
            from .evaluate import run_eval

            return run_eval(args.queries, args.site_dir, args.min_ndcg, args.json)
        return _query(args)
    except EmbedError as exc:
        log.error("embed: %s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("embed: interrupted; the cache and the site keep their last complete state")
        return 130


def _index(args: argparse.Namespace) -> int:
    from .filehash import remember_in
    from .last_build import build_or_reuse
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
    remember_in(settings.cache_dir)
    report = build_or_reuse(settings)
    log.info(report.summary())
    log.info(report.cost_line(settings.price_per_million))
    if not args.no_widget:
        from .emit.site_widget import add_widget_to_site
        from .emit.widget import WidgetOptions

        pages = add_widget_to_site(site_dir, WidgetOptions(placeholder=args.placeholder), settings.cache_dir)
        log.info("embed: added the search widget to %d pages", pages)
    return 0


def _query(args: argparse.Namespace) -> int:
    from .search.engine import SearchEngine

    engine = SearchEngine.open(args.site_dir)
    for result in engine.search(args.question, k=args.k, mode=args.mode):
        print(f"{result.score:.4f}  {result.href}  {' › '.join(result.path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
