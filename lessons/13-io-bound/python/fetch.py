#!/usr/bin/env python3
"""The lectures' URL fetcher, against the course's local server.

N threads take URLs off one shared list until it is empty (list.pop() is atomic under the
GIL); each downloads its URL with urllib, streaming the body in 1 KiB pieces to a file, as the
lectures' download(url) does. A thread waiting for the network releases the GIL, so the
downloads overlap although only one thread runs Python at a time.

    python3 fetch.py --threads 4 --url http://127.0.0.1:PORT     # a server from `cargo xtask serve`
    python3 fetch.py --threads 4 --server PATH/TO/lesson-13-solution   # start one (the bench does)

The last line printed is the benchmark's JSON: {"seconds": ..., "result": ...}.
"""

import argparse
import json
import os
import tempfile
import threading
import time
import urllib.request

from serve import local_server

BUFFER_SIZE = 1024


def download(url, folder):
    with urllib.request.urlopen(url) as response:
        path = os.path.join(folder, url.split("/")[-1])
        with open(path, "wb") as f:
            while True:
                data = response.read(BUFFER_SIZE)
                if not data:
                    break
                f.write(data)
    return os.path.getsize(path)


def fetch_all(urls, folder, threads):
    remaining = list(urls)
    sizes = []

    def worker():
        while True:
            try:
                url = remaining.pop()
            except IndexError:
                break
            sizes.append(download(url, folder))

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--size", type=int, default=16 * 1024)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server's base URL")
    where.add_argument("--server", help="the lesson's demo binary, to start a server with")
    args = parser.parse_args()

    with local_server(args.url, args.server, args.files, args.latency_ms, args.size) as base:
        urls = ["%s/files/%02d.bin" % (base, n) for n in range(args.files)]
        with tempfile.TemporaryDirectory(prefix="lesson-13-py-") as folder:
            start = time.perf_counter()
            sizes = fetch_all(urls, folder, args.threads)
            seconds = time.perf_counter() - start
    whole = sum(1 for s in sizes if s == args.size)
    print("%d threads: %d files in %.3f s" % (args.threads, len(sizes), seconds))
    print(json.dumps({"seconds": seconds, "result": "%d/%d files whole" % (whole, args.files)}))


if __name__ == "__main__":
    main()
