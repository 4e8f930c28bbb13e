"""The lectures' Maclaurin benchmark: 1/(1-x) = 1 + x + x**2 + ..., summed term by term.

The terms 0..N are split into one range per worker; each worker sums x**k over its range and
puts the partial sum on a results queue. With threads, CPython's GIL lets one of them run at a
time (the lectures' table: more threads, more time); with processes, each has its own.

    python3 maclaurin.py --mode processes --workers 4 --size 12800000

The last line printed is JSON for `cargo xtask bench`: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import multiprocessing
import queue
import threading
import time

X = 0.5


def partial_sum(x, start, stop):
    """x**k for k in start..stop: float ** int calls C's pow, like Rust's powf."""
    s = 0.0
    for k in range(start, stop):
        s += x**k
    return s


def worker(results, x, start, stop):
    results.put(partial_sum(x, start, stop))


def maclaurin(x, n, mode, workers):
    if mode == "serial":
        return partial_sum(x, 0, n)
    if mode == "threads":
        results, start_worker = queue.Queue(), threading.Thread
    else:
        results, start_worker = multiprocessing.Queue(), multiprocessing.Process
    started = []
    size, extra = divmod(n, workers)
    start = 0
    for i in range(workers):
        stop = start + size + (1 if i < extra else 0)
        w = start_worker(target=worker, args=(results, x, start, stop))
        w.start()
        started.append(w)
        start = stop
    total = sum(results.get() for _ in started)
    for w in started:
        w.join()
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["serial", "threads", "processes"], default="threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", type=int, default=12_800_000, help="the number of terms")
    args = parser.parse_args()
    start = time.perf_counter()
    value = maclaurin(X, args.size, args.mode, args.workers)
    seconds = time.perf_counter() - start
    print(f"{args.workers} {args.mode}: {seconds:.3f} secs for {args.size} iterations")
    print(json.dumps({"seconds": seconds, "result": f"{value:.12f}"}))


if __name__ == "__main__":
    main()
