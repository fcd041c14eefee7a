from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingWaitPrimitive(BlockingCallRule):
    code = "ASL107"
    name = "blocking-wait-primitive"
    summary = "Waiting on a thread or process primitive (queue, lock, event, join, future result) in async context"
    kind = "a blocking wait"
    related = ("ASL110", "ASL411")
    doc = """
    ## What it does
    Flags, in async context, waits on thread and process synchronisation objects:
    `get`/`put`/`join` of a `queue.Queue` (and its Lifo, Priority and Simple variants) or a
    `multiprocessing.Queue`, `acquire` of a `threading.Lock`, `RLock`, `Semaphore` or
    `Condition`, `Condition.wait`, `Event.wait`, `Barrier.wait`, `Thread.join`,
    `multiprocessing.Process.join` and pool joins, `concurrent.futures.Future.result()`
    and `concurrent.futures.wait`. The object must be known to be one (constructor, `with`,
    annotation, `self.` attribute); a call that cannot wait is left alone:
    `q.get(block=False)`, `lock.acquire(blocking=False)`, `event.wait(timeout=0)`.

    `put()` waits only on a full queue, so it is flagged only on a queue made with a
    `maxsize` in the same module (`queue.Queue(maxsize=100)`, by the name or the `self.`
    attribute it is assigned to): a `Queue()` without one never fills up, nor does a
    `multiprocessing` queue (also one from `get_context(...).Queue()`), and a queue made
    elsewhere (a parameter) counts as unbounded. A `get()` right after a loop that awaits
    until the same queue is non-empty (`while q.empty(): await asyncio.sleep(0.1)`) finds
    an item and returns at once.

    ## Why is this bad?
    These calls park the calling thread until another thread or process acts. In a coroutine
    that thread runs the event loop, so nothing else progresses, and if the thread being
    waited for needs the loop (say, through `run_coroutine_threadsafe`) it never finishes: a
    deadlock.

    ## Instead
    Use the asyncio primitive (`asyncio.Queue`, `asyncio.Lock`, `asyncio.Event`,
    `asyncio.Condition`, `asyncio.Barrier`), `await asyncio.wrap_future(fut)` for a
    `concurrent.futures.Future`, or wait in a thread: `await asyncio.to_thread(thread.join)`.
    """
    bad = (
        Example(
            """
            import queue

            jobs = queue.Queue()

            async def worker():
                while True:
                    job = jobs.get()  # expect: ASL107
                    await job.run()
            """
        ),
        Example(
            """
            import threading as th
            from concurrent.futures import ThreadPoolExecutor
            from queue import LifoQueue as Stack

            async def main(work):
                lock = th.Lock()
                lock.acquire()  # expect: ASL107
                done = th.Event()
                done.wait(5)  # expect: ASL107
                t = th.Thread(target=work)
                t.start()
                t.join()  # expect: ASL107
                pool = ThreadPoolExecutor()
                fut = pool.submit(work)
                fut.result()  # expect: ASL107
                Stack(maxsize=8).put(1)  # expect: ASL107
            """,
            title="aliases",
        ),
        Example(
            """
            import multiprocessing
            import threading
            from concurrent.futures import Future

            class Service:
                ready: threading.Event

                def __init__(self):
                    self.lock = threading.RLock()
                    self.inbox = multiprocessing.Queue()

                async def handle(self):
                    self.ready.wait()  # expect: ASL107
                    self.lock.acquire(True)  # expect: ASL107
                    return self.inbox.get()  # expect: ASL107

            async def annotated(fut: Future, cond: threading.Condition):
                cond.wait()  # expect: ASL107
                return fut.result(timeout=10)  # expect: ASL107
            """,
            title="self attributes and annotations",
        ),
        Example(
            """
            import asyncio
            import queue

            results = queue.Queue(maxsize=100)

            async def publish(item):
                results.put(item)  # expect: ASL107

            async def next_job(q: queue.Queue):
                if q.empty():
                    await asyncio.sleep(0.1)  # one nap: the queue may still be empty
                return q.get()  # expect: ASL107
            """,
            title="a bounded queue's put(); a get() not preceded by a wait until non-empty",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import queue
            import threading

            async def main(work):
                q = queue.Queue()
                q.get(block=False)
                q.get(False)
                q.put_nowait(1)
                lock = threading.Lock()
                lock.acquire(blocking=False)
                lock.release()
                event = threading.Event()
                event.wait(timeout=0)
                t = threading.Thread(target=work)
                t.start()
                await asyncio.to_thread(t.join)
                fut = asyncio.get_running_loop().run_in_executor(None, work)
                await fut
                aq = asyncio.Queue()
                await aq.get()

            def sync_worker(q: queue.Queue):
                return q.get()

            async def outer(q: queue.Queue):
                def inner():
                    return q.get()
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            async def main(q, lock, thread, config):
                q.get()  # unknown objects
                lock.acquire()
                thread.join()
                config.get("x")
                ", ".join(["a", "b"])
            """,
            title="method names alone",
        ),
        Example(
            """
            import asyncio
            import multiprocessing
            import queue

            log = queue.Queue()

            async def record(line, results: multiprocessing.Queue):
                log.put(line)  # no maxsize: never full
                multiprocessing.get_context("spawn").Queue().put(line)
                results.put(line)  # made elsewhere: counted as unbounded

            async def next_job(q: queue.Queue):
                while q.empty():
                    await asyncio.sleep(0.1)
                return q.get()  # an item is there
            """,
            title="put() on an unbounded queue; get() after waiting until non-empty",
        ),
    )
