#!/usr/bin/env python3
"""Items per second through CPython's queue.Queue, for `cargo xtask bench lesson-06`.

The same work as the Rust rows: producer threads put the numbers 0 .. items-1 (producer p puts
p, p + producers, ...) into a Queue(maxsize=capacity); consumer threads get, count and add them
up. As in the lectures, each consumer stops at a sentinel: once every producer has finished,
the main thread puts one None per consumer. The time runs from a common start (a barrier, so
that starting the threads is left out) until the last consumer is done.

The last line printed is the bench protocol's JSON object: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import queue
import threading
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=1)
    parser.add_argument("--consumers", type=int, default=1)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--capacity", type=int, default=1024)
    args = parser.parse_args()

    q = queue.Queue(maxsize=args.capacity)
    start = threading.Barrier(args.producers + args.consumers + 1)
    totals = []  # (count, sum) per consumer; list.append is atomic under the GIL
    finished = []

    def produce(p):
        start.wait()
        for item in range(p, args.items, args.producers):
            q.put(item)

    def consume():
        start.wait()
        count = total = 0
        while True:
            item = q.get()
            if item is None:  # the sentinel: no more work
                break
            count += 1
            total += item
        finished.append(time.perf_counter())
        totals.append((count, total))

    producers = [threading.Thread(target=produce, args=(p,)) for p in range(args.producers)]
    consumers = [threading.Thread(target=consume) for _ in range(args.consumers)]
    for t in producers + consumers:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(None)
    for t in consumers:
        t.join()
    seconds = max(finished) - t0

    count = sum(c for c, _ in totals)
    total = sum(s for _, s in totals)
    n = args.items
    ok = count == n and total == n * (n - 1) // 2
    result = f"{n} ok" if ok else f"WRONG: {count} of {n} items received"
    print(json.dumps({"seconds": seconds, "result": result}))


if __name__ == "__main__":
    main()
