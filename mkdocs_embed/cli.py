"""``mkdocs-embed``: index any built site, and search it from a terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import EmbedError
from .log import log, setup_cli_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mkdocs-embed", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    # -v also after the command (`mkdocs-embed index -v site/`); SUPPRESS keeps a -v given before it
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="show debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", parents=[verbose], help="build the semantic index of a built site folder")
    index.add_argument("site_dir", type=Path)
    index.add_argument("--model", default="default", help="'default', a local directory, or a Hugging Face repo id")
    index.add_argument("--cache-dir", type=Path, help="vector cache (default: SITE_DIR/../.cache/mkdocs-embed)")
    index.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="leave out matching pages")
    index.add_argument("--no-widget", action="store_true", help="write the index only, no search UI")
    index.add_argument("--placeholder", help="text of the empty search box (default: in the site's language)")
    index.add_argument(
        "--language", metavar="TAG",
        help="language of the widget's own strings, such as de or pt-BR (default: each page's <html lang>)",
    )
    index.add_argument(
        "--stemmer", default="english", metavar="LANGUAGE",
        help="Snowball language of the text matches, such as german or french, or none (default: english)",
    )
    index.add_argument("--site-id", default="", metavar="NAME",
                       help="this site's name in a cache folder that several sites share")
    remote = index.add_argument_group("remote embedding server (OpenAI-compatible; the browser keeps the local model)")
    remote.add_argument("--backend-url", metavar="URL", help="API base URL, e.g. http://gpu-box:7997/v1")
    remote.add_argument("--backend-model", metavar="NAME", help="model name the server knows the browser's model by")
    remote.add_argument("--backend-api-key-env", metavar="VAR", help="environment variable that holds the API key")
    remote.add_argument("--backend-batch-size", type=_positive(int), default=64, metavar="N", help="texts per request")
    remote.add_argument("--backend-concurrency", type=_positive(int), default=4, metavar="N", help="requests at once")
    remote.add_argument("--backend-timeout", type=_positive(float), default=60.0, metavar="S", help="seconds per try")

    query = commands.add_parser("query", parents=[verbose], help="search a site's index from the terminal")
    query.add_argument("site_dir", type=Path)
    query.add_argument("question")
    query.add_argument("-k", type=int, default=10, help="number of results")
    query.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "lexical"))

    evaluate = commands.add_parser("eval", parents=[verbose], help="measure search quality against labelled queries")
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
    from .settings import BuildSettings, ModelSettings, RemoteSettings

    site_dir = args.site_dir.resolve()
    if not site_dir.is_dir():
        raise EmbedError(f"{args.site_dir} is not a folder; point it at a built site")
    if bool(args.backend_url) != bool(args.backend_model):
        raise EmbedError("--backend-url and --backend-model go together")
    if args.backend_url and not args.backend_url.startswith(("http://", "https://")):
        raise EmbedError(f"--backend-url must be an http:// or https:// URL, not {args.backend_url!r}")
    backend = RemoteSettings(
        args.backend_url, args.backend_model, args.backend_api_key_env, args.backend_batch_size,
        args.backend_concurrency, args.backend_timeout,
    ) if args.backend_url else None
    settings = BuildSettings(
        site_dir=site_dir,
        cache_dir=args.cache_dir or site_dir.parent / ".cache" / "mkdocs-embed",
        model=ModelSettings(name=args.model),
        exclude=tuple(args.exclude),
        backend=backend,
        language=args.stemmer,
        site_id=args.site_id,
    )
    remember_in(settings.cache_dir)
    report = build_or_reuse(settings)
    log.info(report.summary())
    log.info(report.cost_line(settings.price_per_million))
    if not args.no_widget:
        from .emit.site_widget import add_widget_to_site
        from .emit.widget import WidgetOptions
        from .user_cache import user_cache_dir

        options = WidgetOptions(placeholder=args.placeholder, language=args.language)
        pages = add_widget_to_site(site_dir, options, user_cache_dir(), stemmer=args.stemmer)
        log.info("embed: added the search widget to %d pages", pages)
    return 0


def _positive(kind: type) -> Callable[[str], float]:
    """An argparse type: a number above 0."""
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    return parse


def _query(args: argparse.Namespace) -> int:
    from .search.engine import SearchEngine

    engine = SearchEngine.open(args.site_dir)
    for result in engine.search(args.question, k=args.k, mode=args.mode):
        print(f"{result.score:.4f}  {result.href}  {' › '.join(result.path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
