"""The pitfalls from "asyncio Fundamentals", each one a finding."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def blocking_io():
    time.sleep(1)  # fine: a sync function, run in a thread below
    return "done"


async def fetch(url):
    response = requests.get(url)  # blocks the event loop
    return response.text


async def main():
    time.sleep(1)  # blocks the event loop
    loop = asyncio.get_event_loop()
    result = await loop.run_in_executor(ThreadPoolExecutor(), blocking_io)
    return result


loop = asyncio.get_event_loop()
loop.run_until_complete(main())
loop.close()
