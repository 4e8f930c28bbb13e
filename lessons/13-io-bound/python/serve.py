"""A small launcher: the course's local server for a Python program.

local_server(url=None, binary=PATH, ...) starts `PATH bench-serve ...` (the lesson's demo),
reads the URL it prints, and stops it on leaving the `with` block by closing its standard
input. Given a url instead, it uses that server as it is.
"""

import contextlib
import subprocess


@contextlib.contextmanager
def local_server(url, binary, files, latency_ms, size):
    if url:
        yield url.rstrip("/")
        return
    server = subprocess.Popen(
        [binary, "bench-serve", "--files", str(files), "--latency-ms", str(latency_ms),
         "--size", str(size)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().strip()
        if not base.startswith("http://127.0.0.1:"):
            raise RuntimeError("the server did not start: %r" % base)
        yield base
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
