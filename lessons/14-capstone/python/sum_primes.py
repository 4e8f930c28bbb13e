#!/usr/bin/env python3
"""The lectures' assignment, in short: for each n of a range, the sum of the primes below n, by
trial division; serially, with processes (multiprocessing.Pool) and with threads.

    python3 sum_primes.py                      # range(10 000, 250 000, 10 000): a minute at most
    python3 sum_primes.py --full               # the assignment: range(100 000, 2 500 000, 100 000)
    python3 sum_primes.py --mode processes --workers 2   # one run; the last line is JSON

The full range takes CPython many minutes serially; the default is the same shape, ten times
smaller. The pairs [n, sum] come out sorted by n, as the assignment asks.
"""

import argparse
import json
import multiprocessing
import os
import queue
import threading
import time

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "..", "common", "data", "prime-sums.txt")


def is_prime(n):
    if n < 4:
        return n >= 2
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def sum_primes(n):
    return sum(k for k in range(2, n) if is_prime(k))


def serial(limits):
    return [[n, sum_primes(n)] for n in limits]


def with_processes(limits, workers):
    with multiprocessing.Pool(workers) as pool:
        # chunksize=1: a worker takes the next limit when it is free (the work is uneven).
        sums = pool.map(sum_primes, limits, chunksize=1)
    return [[n, s] for n, s in zip(limits, sums)]


def with_threads(limits, workers):
    todo = queue.Queue()
    for i, n in enumerate(limits):
        todo.put((i, n))
    sums = [None] * len(limits)

    def work():
        while True:
            try:
                i, n = todo.get_nowait()
            except queue.Empty:
                return
            sums[i] = sum_primes(n)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [[n, s] for n, s in zip(limits, sums)]


def reference():
    ref = {}
    with open(REFERENCE) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            n, s = line.split(":")
            ref[int(n)] = int(s)
    return ref


def run(mode, limits, workers):
    start = time.perf_counter()
    if mode == "serial":
        pairs = serial(limits)
    elif mode == "processes":
        pairs = with_processes(limits, workers)
    else:
        pairs = with_threads(limits, workers)
    return pairs, time.perf_counter() - start


def verdict(pairs):
    ref = reference()
    if all(n in ref for n, _ in pairs):
        right = sum(1 for n, s in pairs if ref[n] == s)
        return f"{right}/{len(pairs)} right"
    return f"{len(pairs)} sums, total {sum(s for _, s in pairs)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["serial", "processes", "threads"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true",
                        help="the assignment's range(100 000, 2 500 000, 100 000)")
    parser.add_argument("--count", type=int, help="only the first N limits")
    args = parser.parse_args()
    step = 100_000 if args.full else 10_000
    limits = list(range(step, 25 * step, step))[:args.count]

    if args.mode:
        pairs, seconds = run(args.mode, limits, args.workers)
        print(json.dumps({"seconds": seconds, "result": verdict(pairs)}))
        return

    for mode in ("serial", "processes", "threads"):
        workers = 1 if mode == "serial" else args.workers
        pairs, seconds = run(mode, limits, workers)
        print(f"{mode:>9} ({workers} workers): {seconds:.3f} s  {verdict(pairs)}")
    print(json.dumps(pairs, indent=None).replace("], [", "],\n ["))


if __name__ == "__main__":
    main()
