"""The command line: a thin layer that parses arguments and calls the Python API.

Exit codes: 0 done; 1 a fatal error (the database cannot be used); 2 bad arguments;
3 the run finished but some inputs were rejected (each named on stderr with its reason);
130 interrupted (Ctrl-C): the batches already written are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

import storyline
from storyline.api import EXPORTS, SKIPPABLE_STEPS
from storyline.clean import clean_text
from storyline.export import FORMATS
from storyline.store import StoreError

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_REJECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEFAULT_DB = "storyline.db"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except StoreError as exc:
        print(f"storyline: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("storyline: interrupted; the batches written so far are kept, run again to go on", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storyline", description="Raw news from many outlets in, stories out.")
    parser.add_argument("--version", action="version", version=f"storyline {storyline.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest files, folders or - (stdin) into the database")
    run.add_argument("paths", nargs="+", help="files, folders (read recursively) or - for standard input")
    run.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    run.add_argument("--workers", type=int, default=None, help="processes for per-article steps (default: cores)")
    run.add_argument("--batch-size", type=int, default=None, help="articles per transaction (default 1024)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--skip", action="append", default=[], choices=SKIPPABLE_STEPS,
                     help="leave a step out (repeatable): annotate, group")
    run.add_argument("--executor", choices=("local", "ray"), default="local",
                     help="where per-article steps run: local processes (default) or Ray")
    run.add_argument("--ray-address", default=None, help="join this Ray cluster (default: start a local one)")
    run.set_defaults(handler=cmd_run)

    export = sub.add_parser("export", help="write articles or assignments as JSONL, CSV or Parquet")
    export.add_argument("--db", default=DEFAULT_DB)
    export.add_argument("--what", choices=EXPORTS, required=True)
    export.add_argument("--format", choices=FORMATS, default="jsonl")
    export.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export)

    clean = sub.add_parser("clean", help="print the cleaned text of one dump, or clean a JSONL file")
    clean.add_argument("file", nargs="?", help="a text dump, or - for standard input")
    clean.add_argument("--jsonl", metavar="FILE", help='read {"id","raw_text"} lines, write {"id","title","text"}')
    clean.set_defaults(handler=cmd_clean)

    search = sub.add_parser("search", help="full-text search with snippets")
    search.add_argument("query")
    search.add_argument("--db", default=DEFAULT_DB)
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=cmd_search)

    serve = sub.add_parser("serve", help="browse the database in a web browser (read-only; HTTP API under /api/)")
    serve.add_argument("--db", default=DEFAULT_DB)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1; each reads on its own)")
    serve.set_defaults(handler=cmd_serve)

    entities = sub.add_parser("entities", help="list canonical entities with mention counts and stories")
    entities.add_argument("--db", default=DEFAULT_DB)
    entities.add_argument("--limit", type=int, default=None, help="show only the first N")
    entities.set_defaults(handler=cmd_entities)

    show = sub.add_parser("show", help="print an annotated article (or a story) by id")
    show.add_argument("id", help="an article id (or a story id)")
    show.add_argument("--db", default=DEFAULT_DB)
    show.set_defaults(handler=cmd_show)

    stories = sub.add_parser("stories", help="list stories with their events, dates and outlets")
    stories.add_argument("--db", default=DEFAULT_DB)
    stories.add_argument("--limit", type=int, default=None)
    stories.set_defaults(handler=cmd_stories)

    why = sub.add_parser("why", help="why an article is in its event and story (signals and rejected candidates)")
    why.add_argument("article_id")
    why.add_argument("--db", default=DEFAULT_DB)
    why.set_defaults(handler=cmd_why)

    evaluate = sub.add_parser("eval", help="evaluate against labelled data")
    evaluate.add_argument("task", choices=["grouping"])
    evaluate.add_argument("dataset_dirs", nargs="+", metavar="DATASET_DIR",
                          help="folders with articles.jsonl and labels.jsonl")
    evaluate.add_argument("--embedder", action="append", choices=["static", "minilm"],
                          help="embedding model(s) for our grouper (default: static; repeat for several)")
    evaluate.add_argument("--no-baselines", action="store_true", help="skip TF-IDF, MiniLM and BERTopic baselines")
    evaluate.add_argument("--baseline", action="append", choices=["tfidf+agglomerative", "minilm+agglomerative",
                                                                   "bertopic(minilm)"],
                          help="run only this baseline (repeat for several; default: all three)")
    evaluate.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    evaluate.set_defaults(handler=cmd_eval)

    _add_report_commands(sub)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    with storyline.open(args.db) as db:
        bar = tqdm(unit=" articles", disable=True if args.quiet else None, file=sys.stderr, leave=False)
        try:
            report = db.ingest(
                args.paths, workers=args.workers, on_progress=bar.update, batch_size=args.batch_size,
                skip=args.skip, executor=args.executor, ray_address=args.ray_address,
            )
        finally:
            bar.close()
    for rejection in report.rejections:
        print(f"rejected: {rejection}", file=sys.stderr)
    print(report.summary())
    print(f"database: {args.db}")
    return EXIT_REJECTED if report.rejections else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with storyline.open(args.db, read_only=True) as db:
        if args.format == "parquet":
            if args.output == "-":
                db.export(args.what, args.format, sys.stdout.buffer)
            else:
                with open(args.output, "wb") as out:
                    db.export(args.what, args.format, out)
        elif args.output == "-":
            db.export(args.what, args.format, sys.stdout)
        else:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                db.export(args.what, args.format, out)
    return EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    from storyline.ingest import MAX_DOCUMENT_BYTES
    from storyline.ingest.decode import DecodeError, decode_bytes

    if args.jsonl:
        return _clean_jsonl(args.jsonl)
    if not args.file:
        print("storyline clean: give a FILE, - for standard input, or --jsonl FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        else:
            with open(args.file, "rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise DecodeError(f"too large for one dump (over {MAX_DOCUMENT_BYTES // 2**20} MB)")
        text, _ = decode_bytes(data)
    except (OSError, DecodeError) as exc:
        print(f"storyline clean: {args.file}: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    cleaned = clean_text(text)
    if cleaned.title:
        print(cleaned.title + "\n")
    print(cleaned.text)
    return EXIT_OK


def _clean_jsonl(path: str) -> int:
    status = EXIT_OK
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    with stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                raw_text = record["raw_text"]
                if not isinstance(raw_text, str):
                    raise TypeError("raw_text is not a string")
            except (ValueError, KeyError, TypeError) as exc:
                print(f"storyline clean: {path}#line {number}: {exc}", file=sys.stderr)
                status = EXIT_REJECTED
                continue
            cleaned = clean_text(raw_text)
            row = {"id": record.get("id"), "title": cleaned.title, "text": cleaned.text}
            print(json.dumps(row, ensure_ascii=False))
    return status


def cmd_search(args: argparse.Namespace) -> int:
    with storyline.open(args.db, read_only=True) as db:
        hits = db.search(args.query, limit=args.limit)
    for hit in hits:
        meta = ", ".join(x for x in (hit.source, hit.published) if x)
        print(f"{hit.article_id}  {hit.title or '(untitled)'}" + (f"  [{meta}]" if meta else ""))
        print(f"    {hit.snippet}")
    if not hits:
        print("no matches", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from storyline.web import create_app

    if not 0 < args.port < 65536:
        print(f"storyline serve: --port {args.port}: not a TCP port (1-65535)", file=sys.stderr)
        return EXIT_USAGE
    if args.workers < 1:
        print(f"storyline serve: --workers {args.workers}: must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if os.path.isfile(args.db):
        try:  # a file from an older Storyline gets its schema upgraded once; the server itself only reads
            storyline.open(args.db).close()
        except StoreError:
            pass  # e.g. a read-only file: create_app says what is wrong, if anything
    app = create_app(args.db)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"storyline serve: listening on {args.host}: other machines can read this database", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving {args.db} (read-only) at http://{shown}:{args.port}/  (Ctrl+C to stop)", flush=True)
    if args.workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    else:  # worker processes import the app by name and find the database in the environment
        os.environ["STORYLINE_DB"] = os.path.abspath(args.db)
        uvicorn.run("storyline.web.app:app_from_environment", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level="warning")
    return EXIT_OK



def cmd_entities(args: argparse.Namespace) -> int:
    with storyline.open(args.db, read_only=True) as db:
        for number, row in enumerate(db.entities()):
            if args.limit is not None and number >= args.limit:
                break
            extra = f"  roles: {'; '.join(row['roles'])}" if row["roles"] else ""
            stories = f"  stories: {', '.join(map(str, row['stories']))}" if row["stories"] else ""
            print(f"{row['mentions']:5d} {row['articles']:4d}  {row['entity_id']}  {row['name']}{extra}{stories}")
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    from storyline.group.stories import format_stories

    with storyline.open(args.db, read_only=True) as db:
        print(format_stories(db.stories(limit=args.limit)))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """An article id prints the annotated article; any other id is looked up as a story."""
    from storyline.annotate.show import render_article

    with storyline.open(args.db, read_only=True) as db:
        article = db.article(args.id)
        if article is not None:
            print(render_article(article, db.annotations(args.id)))
            return EXIT_OK
    return cmd_show_story(args)


def cmd_show_story(args: argparse.Namespace) -> int:
    """A story id prints the story as a timeline."""
    from storyline.group.stories import format_timeline

    with storyline.open(args.db, read_only=True) as db:
        events = db.story(args.id)
    if events is None:
        print(f"storyline show: no article or story with id {args.id!r} in {args.db} (see `storyline stories`)",
              file=sys.stderr)
        return EXIT_USAGE
    print(format_timeline(args.id, events))
    return EXIT_OK


def cmd_why(args: argparse.Namespace) -> int:
    from storyline.group.stories import format_why

    with storyline.open(args.db, read_only=True) as db:
        info = db.why(args.article_id)
        known = info is not None or db.article(args.article_id) is not None
    if info is None:
        reason = "is not grouped yet" if known else "is not in the database"
        print(f"storyline why: article {args.article_id!r} {reason} ({args.db})", file=sys.stderr)
        return EXIT_USAGE
    print(format_why(info))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from storyline.evaluate import evaluate_grouping

    results = []
    for directory in args.dataset_dirs:
        try:
            results.append(evaluate_grouping(directory, embedders=tuple(args.embedder or ["static"]),
                                             baselines=not args.no_baselines, only=tuple(args.baseline or ())))
        except (OSError, ValueError) as exc:
            print(f"storyline eval: {exc}", file=sys.stderr)
            return EXIT_FATAL
        print()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1)
    return EXIT_OK


# -- comparison, summaries and timelines (issue 5) -------------------------------------------------


def _add_report_commands(sub) -> None:
    report = sub.add_parser("report", help="write a story's report: timeline, events, summaries, comparison")
    report.add_argument("--db", default=DEFAULT_DB)
    report.add_argument("--story", help="story id (default: every article in the database as one story)")
    report.add_argument("--format", choices=["md", "json", "html"], default="md")
    report.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    report.set_defaults(handler=cmd_report)

    timeline = sub.add_parser("timeline", help="print a story's timeline as JSON: dated entries of article sentences")
    timeline.add_argument("--db", default=DEFAULT_DB)
    timeline.add_argument("--story", help="story id (default: every article in the database as one timeline)")
    timeline.add_argument("--dates", type=int, default=10, help="number of dates (default 10)")
    timeline.add_argument("--per-date", type=int, default=1, help="sentences per date (default 1)")
    timeline.add_argument("--format", choices=["json"], default="json")
    timeline.add_argument("--cite", action="store_true", help="sentences as {article_id, start, end, text} objects")
    timeline.set_defaults(handler=cmd_timeline)


def _story_or_usage(args: argparse.Namespace, command: str) -> bool:
    if args.story is None:
        return True
    with storyline.open(args.db, read_only=True) as db:
        if db.story(args.story) is None:
            print(f"storyline {command}: no story {args.story!r} in {args.db} (see `storyline stories`)", file=sys.stderr)
            return False
    return True


def cmd_report(args: argparse.Namespace) -> int:
    if not _story_or_usage(args, "report"):
        return EXIT_USAGE
    with storyline.open(args.db, read_only=True) as db:
        text = db.report_text(args.story, args.format)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"report written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    if args.dates < 1 or args.per_date < 1:
        print("storyline timeline: --dates and --per-date must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if not _story_or_usage(args, "timeline"):
        return EXIT_USAGE
    with storyline.open(args.db, read_only=True) as db:
        entries = db.timeline(args.story, dates=args.dates, per_date=args.per_date)
    if not args.cite:
        entries = [{"date": e["date"], "sentences": [s["text"] for s in e["sentences"]]} for e in entries]
    print(json.dumps(entries, ensure_ascii=False, indent=1))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
