"""Lesson 10's bench, the Python side: results through a multiprocessing.Queue.

A child process puts N results (pos, msg) on a Queue, BATCH to an item (a list of BATCH
tuples; with --batch 1 a list of one); the parent gets them all. The child is started, and
says it is ready, before the clock starts: only the messages are timed. The last line printed
is the JSON object that `cargo xtask bench` reads.
"""

import argparse
import json
import multiprocessing as mp
import time


def source(n, batch, go, results):
    results.put("ready")
    go.get()
    pos = 0
    while pos < n:
        end = min(pos + batch, n)
        results.put([(p, f"m{p}") for p in range(pos, end)])
        pos = end


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    n, batch = args.messages, max(1, args.batch)

    go, results = mp.Queue(), mp.Queue()
    child = mp.Process(target=source, args=(n, batch, go, results))
    child.start()
    assert results.get() == "ready"

    start = time.perf_counter()
    go.put(True)
    got = total = 0
    while got < n:
        for pos, _msg in results.get():
            got += 1
            total += pos
    seconds = time.perf_counter() - start
    child.join()
    assert total == n * (n - 1) // 2
    print(json.dumps({"seconds": seconds, "result": f"{got} results, {got / seconds / 1e3:.0f} k/s"}))


if __name__ == "__main__":
    main()
