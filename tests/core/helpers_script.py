"""Run alone, never inside the test process (stopping its resource tracker
would remove the semaphores of other tests' locks): use a pool on the start
method given, then stop the interpreter's helpers; print what was left."""

import json
import multiprocessing
import sys
import time

import psutil

from parallel_python.core.pools import process_pool, stop_helpers


def children() -> list[str]:
    return [" ".join(c.cmdline()) for c in psutil.Process().children(recursive=True)]


if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1])
    with process_pool(2, context=context) as pool:
        total = sum(pool.map(abs, range(-5, 5)))
    del pool
    worker = context.Process(target=time.sleep, args=(30,))
    worker.start()
    while_working = stop_helpers()  # a worker is alive: nothing is stopped
    worker.terminate()
    worker.join()
    before = children()
    stopped = stop_helpers()
    report = {"sum": total, "while_working": while_working, "before": before}
    report.update(stopped=stopped, after=children())
    print(json.dumps(report))
