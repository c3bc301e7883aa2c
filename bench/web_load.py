"""Load check for `storyline serve`: concurrent clients on loopback, with and without an ingest running.

    PYTHONPATH=src python bench/web_load.py [--articles 10000] [--clients 20] [--seconds 20]

1. Builds (once, cached in bench/out/) a store of about ``--articles`` articles from the dev eval
   JSONL in /work/shared/eval, repeated with perturbed ids (later rounds are stored as exact
   duplicates of the first, like syndicated copies).
2. Copies it, starts ``storyline serve`` on a free 127.0.0.1 port in its own process.
3. Phase "idle": ``--clients`` threads issue requests back to back (closed loop, no think time) for
   ``--seconds``: article page, article JSON, search page, search JSON, article list JSON, story
   page and event page (of the 100 stories with the latest activity).
4. Phase "ingesting": the same while ``storyline run`` writes a fresh batch into the same database.
5. Prints requests/s and p50/p95/p99 latency per endpoint for both phases side by side.
The idle phase is the baseline; the target is p95 < 200 ms for story, event, article and search pages.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
EVAL = Path(os.environ.get("STORYLINE_EVAL", "/work/shared/eval"))
SETS = ["ecbplus-dev/articles.jsonl", "t17-dev/articles.jsonl", "uci-headlines-dev/articles.jsonl"]
QUERIES = [
    "earthquake", "police", "Egypt protests", "swine flu", "Haiti", "Michael Jackson", "president",
    "\"prime minister\"", "killed", "oil prices", "bank", "vaccine", "Mubarak", "court", "fire", "China",
]
KINDS = ("article page", "article json", "search page", "search json", "list json", "story page", "event page")


def build_corpus(target: int) -> Path:
    """A JSONL of about ``target`` records: the eval sets, repeated with ids suffixed by the round."""
    records = []
    for name in SETS:
        with open(EVAL / name, encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f if line.strip())
    rounds = max(1, -(-target // len(records)))
    path = OUT / f"web-corpus-{target}.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for r in range(rounds):
            for rec in records:
                rec = dict(rec, id=rec["id"] if r == 0 else f"{rec['id']}~r{r}")
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def build_store(target: int) -> Path:
    import storyline

    db = OUT / f"web-{target}.db"
    if db.exists():
        return db
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(target)
    started = time.perf_counter()
    tmp = db.with_suffix(".building")
    with storyline.open(tmp) as s:
        report = s.ingest([corpus], workers=1)
    tmp.rename(db)
    print(f"built {db.name}: {report.summary()} in {time.perf_counter() - started:.0f} s", flush=True)
    return db


def live_batch(n: int) -> Path:
    """Records the server has not seen (new ids, slightly changed text) for the concurrent ingest."""
    path = OUT / f"web-live-{n}.jsonl"
    with open(EVAL / SETS[1], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()][:n]
    with open(path, "w", encoding="utf-8") as out:
        for rec in records:
            rec = dict(rec, id=f"live-{rec['id']}-{time.time_ns()}", text="Update: " + rec["text"])
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_ids(db: Path, n: int) -> list[str]:
    from storyline.store import Store
    from storyline.store.queries_web import ArticleFilter, list_articles

    with Store(db, read_only=True) as store:
        total = list_articles(store.conn, ArticleFilter(), limit=1, offset=0)["total"]
        rng = random.Random(7)
        offsets = sorted(rng.sample(range(total), min(n, total)))
        return [list_articles(store.conn, ArticleFilter(), limit=1, offset=o)["items"][0]["id"] for o in offsets]


def sample_groups(db: Path, n: int) -> tuple[list[str], list[str]]:
    """Story and event ids to visit: the ``n`` stories with the latest activity (what the home page
    lists first, so what people open), and their events."""
    from storyline.store import Store
    from storyline.store.queries_web import story_detail, story_list

    with Store(db, read_only=True) as store:
        stories = [s["id"] for s in story_list(store.conn, limit=n, offset=0)["items"]]
        events = [e["id"] for sid in stories for e in (story_detail(store.conn, sid) or {}).get("event_list", [])]
    return stories, events


def request_plan(ids: list[str], total: int, seed: int, groups: tuple[list[str], list[str]] = ([], [])):
    rng = random.Random(seed)
    stories, events = groups
    while True:
        kind = KINDS[rng.randrange(len(KINDS))]
        if kind == "article page":
            yield kind, "/articles/" + quote(rng.choice(ids), safe="")
        elif kind == "article json":
            yield kind, "/api/articles/" + quote(rng.choice(ids), safe="")
        elif kind == "search page":
            yield kind, "/search?q=" + quote(rng.choice(QUERIES))
        elif kind == "search json":
            yield kind, "/api/search?q=" + quote(rng.choice(QUERIES))
        elif kind == "story page" and stories:
            yield kind, "/stories/" + quote(rng.choice(stories), safe="")
        elif kind == "event page" and events:
            yield kind, "/events/" + quote(rng.choice(events), safe="")
        elif kind == "list json":
            yield kind, f"/api/articles?limit=20&offset={rng.randrange(max(total - 20, 1))}"


def load(base: str, ids: list[str], total: int, *, clients: int, seconds: float, max_requests: int,
         groups: tuple[list[str], list[str]] = ([], [])) -> dict:
    """Closed-loop clients until the time or request budget runs out; latencies per kind in ms."""
    latencies: dict[str, list[float]] = {k: [] for k in KINDS}
    errors: list[str] = []
    lock = threading.Lock()
    budget = iter(range(max_requests))
    deadline = time.perf_counter() + seconds

    host, port = base.removeprefix("http://").split(":")

    def client(seed: int) -> None:
        # stdlib keep-alive connection: a light client leaves the CPU to the server being measured
        plan = request_plan(ids, total, seed, groups)
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if next(budget, None) is None:
                        return
                kind, path = next(plan)
                start = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    if response.status == 200:
                        latencies[kind].append(elapsed)
                    else:
                        errors.append(f"{response.status} {path}")
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - started}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(phases: dict[str, dict]) -> None:
    names = list(phases)
    print(f"\n{'endpoint':<14}" + "".join(f"{n + ': req/s  p50  p95  p99 ms':>36}" for n in names))
    for kind in (*KINDS, "all"):
        row = f"{kind:<14}"
        for name in names:
            result = phases[name]
            values = (
                [v for vs in result["latencies"].values() for v in vs] if kind == "all" else result["latencies"][kind]
            )
            rate = len(values) / result["seconds"]
            p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
            row += f"{rate:>16.1f} {p50:>6.0f} {p95:>5.0f} {p99:>6.0f}"
        print(row)
    for name in names:
        errors = phases[name]["errors"]
        print(f"{name}: {sum(map(len, phases[name]['latencies'].values()))} requests in "
              f"{phases[name]['seconds']:.1f} s, {len(errors)} errors" + (f" (first: {errors[0]})" if errors else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per phase")
    parser.add_argument("--server-workers", type=int, default=1, help="storyline serve --workers")
    parser.add_argument("--live", type=int, default=400, help="articles the concurrent ingest writes")
    args = parser.parse_args()

    base_db = build_store(args.articles)
    work = OUT / "web-load-work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copy(base_db, work)
    import storyline

    storyline.open(work).close()  # brings a store built by an older schema up to date
    ids = sample_ids(work, 2000)
    groups = sample_groups(work, 100)
    from storyline.store import Store

    with Store(work, read_only=True) as store:
        total = store.count_articles()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(work), "--port", str(port),
         "--workers", str(args.server_workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        print(server.stdout.readline().strip(), flush=True)
        for _ in range(200):
            try:
                if httpx.get(base + "/api/sources", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        print(f"store: {total} articles; server workers: {args.server_workers}; {args.clients} clients, "
              f"{args.seconds:.0f} s per phase; cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}",
              flush=True)
        phases = {"idle": load(base, ids, total, clients=args.clients, seconds=args.seconds,
                               max_requests=args.max_requests, groups=groups)}
        batch = live_batch(args.live)
        ingest = subprocess.Popen(
            [sys.executable, "-m", "storyline.cli", "run", str(batch), "--db", str(work), "--quiet", "--workers", "1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        time.sleep(3)  # let the writer get past start-up and into its batches
        phases["ingesting"] = load(base, ids, total, clients=args.clients, seconds=args.seconds,
                                   max_requests=args.max_requests, groups=groups)
        still_running = ingest.poll() is None
        output, _ = ingest.communicate()
        print(f"concurrent ingest {'outlasted' if still_running else 'ended before the end of'} the phase: "
              f"{output.strip().splitlines()[0] if output.strip() else ''}")
        report(phases)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
