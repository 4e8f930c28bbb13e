"""Lesson 08's bench, the Python side: what a multiprocessing.Process costs to start and join.

Starts COUNT processes one after the other, each running a function that returns at once,
with the given start method: fork (a copy of this process) or spawn (a fresh interpreter that
imports this module). The last line printed is the JSON object that `cargo xtask bench` reads.
"""

import argparse
import json
import multiprocessing as mp
import time


def nothing():
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", choices=["fork", "spawn"], required=True)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    context = mp.get_context(args.method)

    start = time.perf_counter()
    for _ in range(args.count):
        child = context.Process(target=nothing)
        child.start()
        child.join()
    seconds = time.perf_counter() - start
    each = seconds / max(1, args.count)
    print(json.dumps({"seconds": seconds, "result": f"{each * 1e3:.2f} ms each"}))


if __name__ == "__main__":
    main()
