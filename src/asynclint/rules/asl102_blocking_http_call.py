from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingHttpCall(BlockingCallRule):
    code = "ASL102"
    name = "blocking-http-call"
    summary = "A synchronous HTTP client call (`requests`, `urllib`, `urllib3`, `http.client`, `httpx`) in async context"
    kind = "a blocking HTTP call"
    related = ("ASL106", "ASL110", "ASL903")
    doc = """
    ## What it does
    Flags calls of synchronous HTTP clients in async context: the `requests` module functions
    and `requests.Session` methods, `urllib.request.urlopen`, `urllib3.request` and the
    `request`/`urlopen` methods of urllib3 pools, `http.client` connections, the `httpx`
    module functions and `httpx.Client` methods. Methods are matched only on receivers known to
    be such a client (made by a constructor call, bound by `with`, or annotated, including
    `self.` attributes), never by the method name alone: `cache.get(url)` on a dict is fine.

    ## Why is this bad?
    A synchronous request waits for the network in the event loop's thread: DNS, connect, TLS
    and the whole response body. Every other task stalls for as long as the slowest server
    takes to answer.

    ## Instead
    Use an async client, `aiohttp.ClientSession` or `httpx.AsyncClient`, and `await` its
    requests. For a library that only has a sync API, run the call in a thread with
    `await asyncio.to_thread(requests.get, url)`.
    """
    bad = (
        Example(
            """
            import requests

            async def fetch(url):
                resp = requests.get(url, timeout=5)  # expect: ASL102
                return resp.json()
            """
        ),
        Example(
            """
            import httpx
            import requests as r
            import urllib.request
            import urllib3
            from urllib.request import urlopen as fetch

            async def main(url):
                r.post(url, json={})  # expect: ASL102
                httpx.get(url)  # expect: ASL102
                fetch(url).read()  # expect: ASL102
                urllib.request.urlopen(url)  # expect: ASL102
                urllib3.request("GET", url)  # expect: ASL102
            """,
            title="aliases",
        ),
        Example(
            """
            import httpx
            import requests
            import urllib3
            from http.client import HTTPSConnection

            async def typed(url):
                s = requests.Session()
                s.get(url)  # expect: ASL102
                with requests.Session() as s2:
                    s2.post(url)  # expect: ASL102
                pool = urllib3.PoolManager()
                pool.request("GET", url)  # expect: ASL102
                conn = HTTPSConnection("example.com")
                conn.request("GET", "/")  # expect: ASL102
                conn.getresponse()  # expect: ASL102

            async def annotated(client: httpx.Client, url):
                client.get(url)  # expect: ASL102
            """,
            title="receivers typed by constructor, with and annotation",
        ),
        Example(
            """
            import httpx
            import requests

            class Api:
                session: requests.Session

                def __init__(self):
                    self.client = httpx.Client()

                async def user(self, uid):
                    return self.session.get(f"/users/{uid}")  # expect: ASL102

                async def save(self, data):
                    return self.client.post("/users", json=data)  # expect: ASL102
            """,
            title="self attributes",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import httpx
            import requests

            async def fetch(url):
                async with httpx.AsyncClient() as client:
                    await client.get(url)
                await asyncio.to_thread(requests.get, url)
                await asyncio.to_thread(lambda: requests.get(url))
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, requests.get, url)

            def sync_fetch(url):
                return requests.get(url)

            async def outer(url):
                def inner():
                    return requests.get(url)
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            async def main(requests, session, url):
                cache = {}
                cache.get(url)  # a dict
                requests.get(url)  # a parameter, not the requests module
                session.get(url)  # nothing says what session is
            """,
            title="method names alone and shadowed names",
        ),
    )
