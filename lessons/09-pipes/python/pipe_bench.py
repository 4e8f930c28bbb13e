"""Lesson 09's bench, the Python side: messages through multiprocessing.Pipe.

one-way:    the parent sends N small messages, then None; the child counts them and answers
            with the count.
round-trip: the parent sends a message and waits for the child to send it back, N times.

The child is started, and says it is ready, before the clock starts: only the messages are
timed. The last line printed is the JSON object that `cargo xtask bench` reads.
"""

import argparse
import json
import multiprocessing as mp
import time


def sink(conn):
    conn.send("ready")
    heard = 0
    while conn.recv() is not None:
        heard += 1
    conn.send(heard)


def echo(conn):
    conn.send("ready")
    while True:
        message = conn.recv()
        if message is None:
            break
        conn.send(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--what", choices=["one-way", "round-trip"], required=True)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    n = args.messages

    ours, theirs = mp.Pipe()
    child = mp.Process(target=sink if args.what == "one-way" else echo, args=(theirs,))
    child.start()
    assert ours.recv() == "ready"

    start = time.perf_counter()
    if args.what == "one-way":
        for i in range(n):
            ours.send(f"m{i}")
        ours.send(None)
        heard = ours.recv()
        seconds = time.perf_counter() - start
        result = f"{heard} heard, {seconds * 1e6 / heard:.2f} µs a message"
    else:
        for i in range(n):
            ours.send(f"m{i}")
            ours.recv()
        seconds = time.perf_counter() - start
        ours.send(None)
        result = f"{seconds * 1e6 / n:.2f} µs a round trip"
    child.join()
    print(json.dumps({"seconds": seconds, "result": result}))


if __name__ == "__main__":
    main()
