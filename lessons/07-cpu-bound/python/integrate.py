"""The lectures' integral of x**2 on [0, 10], serially, with threads, or with processes.

Each worker sums its own range of the N steps of one left Riemann sum and puts its partial sum
on a results queue; the main program adds what comes off the queue. Under CPython's GIL the
threads take turns; the processes each have an interpreter (and a GIL) of their own.

    python3 integrate.py --mode threads --workers 4 --size 100000000

The last line printed is JSON for `cargo xtask bench`: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import multiprocessing
import queue
import threading
import time


def f(x):
    return x**2


def partial_sum(a, dx, start, stop):
    """The steps start..stop of the left Riemann sum: f(a + i*dx) * dx for each."""
    s = 0.0
    for i in range(start, stop):
        s += f(a + i * dx)
    return s * dx


def chunks(n, k):
    """k ranges covering 0..n, the first n % k of them one step longer."""
    size, extra = divmod(n, k)
    start = 0
    for i in range(k):
        stop = start + size + (1 if i < extra else 0)
        yield start, stop
        start = stop


def worker(results, a, dx, start, stop):
    results.put(partial_sum(a, dx, start, stop))


def integrate(a, b, n, mode, workers):
    dx = (b - a) / n
    if mode == "serial":
        return partial_sum(a, dx, 0, n)
    if mode == "threads":
        results, start_worker = queue.Queue(), threading.Thread
    else:
        results, start_worker = multiprocessing.Queue(), multiprocessing.Process
    started = []
    for start, stop in chunks(n, workers):
        w = start_worker(target=worker, args=(results, a, dx, start, stop))
        w.start()
        started.append(w)
    total = sum(results.get() for _ in started)
    for w in started:
        w.join()
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["serial", "threads", "processes"], default="threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", type=int, default=10**8, help="the number of steps N")
    args = parser.parse_args()
    start = time.perf_counter()
    value = integrate(0.0, 10.0, args.size, args.mode, args.workers)
    seconds = time.perf_counter() - start
    print(f"{args.workers} {args.mode}: {seconds:.3f} secs for {args.size} steps")
    print(json.dumps({"seconds": seconds, "result": f"{value:.9f}"}))


if __name__ == "__main__":
    main()
