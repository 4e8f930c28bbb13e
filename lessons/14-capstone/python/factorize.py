#!/usr/bin/env python3
"""The lectures' factorisation benchmark, in short: the 300 odd numbers from 9 999 999 999 999,
factorised by trial division serially, with threads and with processes, each worker given a
fixed chunk of the list (as the lectures do it).

    python3 factorize.py                       # the whole benchmark: serial, 2/4/8 threads and processes
    python3 factorize.py --mode threads --workers 4   # one run; the last line is JSON for the bench

Written for this course; the algorithm is the lectures' factorize_naive, step for step, so that
the Rust rows of `cargo xtask bench lesson-14` time the same work.
"""

import argparse
import json
import math
import multiprocessing
import os
import threading
import time

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "..", "common", "data", "factorizations.txt")


def factorize_naive(n):
    """Prime factors of n by trial division: 2, then odd numbers, until p * p >= n."""
    if n < 2:
        return []
    factors = []
    p = 2
    while True:
        if n == 1:
            return factors
        if n % p == 0:
            factors.append(p)
            n //= p
        elif p * p >= n:
            factors.append(n)
            return factors
        elif p > 2:
            p += 2
        else:
            p = 3


def serial(nums):
    return {n: factorize_naive(n) for n in nums}


def chunks(nums, workers):
    size = math.ceil(len(nums) / workers)
    return [nums[size * i:size * (i + 1)] for i in range(workers)]


def threaded(nums, workers):
    outs = [{} for _ in range(workers)]

    def work(mine, out):
        for n in mine:
            out[n] = factorize_naive(n)

    threads = [threading.Thread(target=work, args=(mine, out))
               for mine, out in zip(chunks(nums, workers), outs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {n: f for out in outs for n, f in out.items()}


def mp_work(mine, queue):
    queue.put({n: factorize_naive(n) for n in mine})


def in_processes(nums, workers):
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=mp_work, args=(mine, queue))
             for mine in chunks(nums, workers)]
    for p in procs:
        p.start()
    result = {}
    for _ in procs:
        result.update(queue.get())
    for p in procs:
        p.join()
    return result


def reference():
    ref = {}
    with open(REFERENCE) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            n, factors = line.split(":")
            ref[int(n)] = [int(x) for x in factors.split()]
    return ref


def run(mode, nums, workers):
    start = time.perf_counter()
    if mode == "serial":
        result = serial(nums)
    elif mode == "threads":
        result = threaded(nums, workers)
    else:
        result = in_processes(nums, workers)
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["serial", "threads", "processes"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--count", type=int, default=300, help="only the first N numbers")
    args = parser.parse_args()
    nums = [9999999999999 + 2 * i for i in range(args.count)]
    ref = reference()
    right = lambda result: sum(1 for n in nums if result.get(n) == ref[n])

    if args.mode:
        result, seconds = run(args.mode, nums, args.workers)
        print(json.dumps({"seconds": seconds, "result": f"{right(result)}/{len(nums)} right"}))
        return

    print("Running benchmark...")
    rows = [("serial", "serial", 1)]
    for w in (2, 4, 8):
        rows += [(f"threaded {w}", "threads", w), (f"mp {w}", "processes", w)]
    elapsed = []
    for label, mode, w in rows:
        result, seconds = run(mode, nums, w)
        print(f"[{label}] Elapsed: {seconds:.6f}   ({right(result)}/{len(nums)} right)")
        elapsed.append((label, seconds))
    longest = max(s for _, s in elapsed)
    print("\nSerial, threads, processes comparison")
    for label, seconds in elapsed:
        print(f"{label:>11} |{'#' * max(1, round(50 * seconds / longest)):<50} {seconds:.3f} s")


if __name__ == "__main__":
    main()
