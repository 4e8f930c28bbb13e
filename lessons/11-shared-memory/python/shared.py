"""Lesson 11's bench, the Python side: the same hand-off and balance as `bench-run`, with
multiprocessing.

  --how array    a child fills a multiprocessing.Array (with its lock) with squares; we sum them
  --how queue    a child puts the squares on a multiprocessing.Queue, one at a time; we sum them
  --how balance  two processes withdraw and deposit 1, --items times each, on a Value with a
                 Lock (the lectures' synchro2.py, timed; not a bench row: the Rust balance does a
                 microsecond of paperwork per transaction by design, see balance.rs)

The clock starts when the child is running and told to go (process start-up is not timed), and
stops when we have everything. Prints one JSON line: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import multiprocessing as mp
import time


def fill(arr, n, go, done):
    go.wait()
    with arr.get_lock():
        for i in range(n):
            arr[i] = i * i
    done.set()


def send(q, n, go):
    go.wait()
    for i in range(n):
        q.put(i * i)


def withdraw(balance, lock, n, go):
    go.wait()
    for _ in range(n):
        with lock:
            balance.value = balance.value - 1


def deposit(balance, lock, n, go):
    go.wait()
    for _ in range(n):
        with lock:
            balance.value = balance.value + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--how", choices=["array", "queue", "balance"], required=True)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--timeline", action="store_true")
    args = parser.parse_args()
    n = args.items
    go = mp.Event()
    if args.how == "array":
        arr, done = mp.Array("q", n), mp.Event()
        p = mp.Process(target=fill, args=(arr, n, go, done))
        p.start()
        start = time.perf_counter()
        go.set()
        done.wait()
        with arr.get_lock():
            result = sum(arr[:])
        seconds = time.perf_counter() - start
        p.join()
    elif args.how == "queue":
        q = mp.Queue()
        p = mp.Process(target=send, args=(q, n, go))
        p.start()
        start = time.perf_counter()
        go.set()
        result = sum(q.get() for _ in range(n))
        seconds = time.perf_counter() - start
        p.join()
    else:
        balance, lock = mp.Value("q", 100, lock=False), mp.Lock()
        ps = [mp.Process(target=f, args=(balance, lock, n, go)) for f in (withdraw, deposit)]
        for p in ps:
            p.start()
        start = time.perf_counter()
        go.set()
        for p in ps:
            p.join()
        seconds = time.perf_counter() - start
        result = balance.value
    print(json.dumps({"seconds": seconds, "result": str(result)}))


if __name__ == "__main__":
    main()
