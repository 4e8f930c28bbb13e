#!/usr/bin/env python3
"""Parallel Python's example on CPython's pools, for `cargo xtask bench lesson-12`.

The Maclaurin series 1/(1-x) = 1 + x + x**2 + ..., its first `terms` terms cut into `tasks`
pieces (the longer pieces first, sizes differing by at most one), each piece summed by one task
on a multiprocessing.Pool (worker processes) or a multiprocessing.pool.ThreadPool (worker
threads, which the GIL lets run one at a time). The pool is started before the clock and the
time is that of `pool.map` alone, as for the Rust rows.

    python3 pools.py --pool processes --workers 4 --tasks 64 --terms 12800000

The last line printed is JSON for `cargo xtask bench`: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import multiprocessing
import multiprocessing.pool
import time

X = 0.9999999  # the lesson's MACLAURIN_X


def piece(bounds):
    """x**k for k in start..stop."""
    start, stop = bounds
    s = 0.0
    for k in range(start, stop):
        s += X**k
    return s


def pieces(terms, tasks):
    size, extra = divmod(terms, tasks)
    start = 0
    for i in range(tasks):
        stop = start + size + (1 if i < extra else 0)
        yield (start, stop)
        start = stop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=["processes", "threads"], default="processes")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--terms", type=int, default=12_800_000)
    args = parser.parse_args()

    make = multiprocessing.Pool if args.pool == "processes" else multiprocessing.pool.ThreadPool
    with make(processes=args.workers) as pool:
        # Let every worker start before the clock (a process pool starts them lazily).
        pool.map(abs, range(args.workers))
        t0 = time.perf_counter()
        total = sum(pool.map(piece, list(pieces(args.terms, args.tasks))))
        seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "result": f"{total:.4f}"}))


if __name__ == "__main__":
    main()
