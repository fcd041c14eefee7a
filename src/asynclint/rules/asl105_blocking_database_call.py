from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingDatabaseCall(BlockingCallRule):
    code = "ASL105"
    name = "blocking-database-call"
    summary = "A synchronous database driver call (sqlite3, psycopg2/psycopg, pymysql, MySQLdb, pymongo, redis) in async context"
    kind = "a blocking database call"
    related = ("ASL106", "ASL110")
    doc = """
    ## What it does
    Flags, in async context, connecting with a synchronous database driver and the calls that
    talk to the server on what it returns: `sqlite3`, `psycopg2` and sync `psycopg`, `pymysql`,
    `MySQLdb`, `pymongo` and sync `redis.Redis`. Connections, cursors, clients, databases and
    collections are followed from the call that made them (`conn = sqlite3.connect(...)`,
    `cur = conn.cursor()`, `client.db.users`), from `with` blocks and from annotations,
    including `self.` attributes set in `__init__`. A method name alone is never enough:
    `repo.execute(...)` on an object of unknown type is not flagged.

    ## Why is this bad?
    A query waits for the database in the event loop's thread: one slow query, lock wait or
    network hiccup stalls every task in the process.

    ## Instead
    Use the async driver: `aiosqlite`, `asyncpg` or psycopg's `AsyncConnection`,
    `aiomysql`/`asyncmy`, `motor`, `redis.asyncio`. Code that must keep a sync driver can run
    the whole unit of work in a thread with `await asyncio.to_thread(...)`.
    """
    bad = (
        Example(
            """
            import sqlite3

            async def count_users(path):
                conn = sqlite3.connect(path)  # expect: ASL105
                cur = conn.execute("SELECT count(*) FROM users")  # expect: ASL105
                return cur.fetchone()  # expect: ASL105
            """
        ),
        Example(
            """
            import psycopg2 as pg
            import redis
            from pymongo import MongoClient

            async def main(dsn):
                with pg.connect(dsn) as conn:  # expect: ASL105
                    with conn.cursor() as cur:
                        cur.execute("SELECT 1")  # expect: ASL105
                        rows = cur.fetchall()  # expect: ASL105
                r = redis.Redis()
                r.set("rows", len(rows))  # expect: ASL105
                users = MongoClient().app.users
                users.find_one({"name": "ada"})  # expect: ASL105
                MongoClient()["app"]["users"].insert_one({})  # expect: ASL105
            """,
            title="aliases, with blocks, attribute and item access",
        ),
        Example(
            """
            import sqlite3

            class Store:
                def __init__(self, path):
                    self.conn = sqlite3.connect(path)

                async def get(self, key):
                    row = self.conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()  # expect: ASL105
                    return row

            class Typed:
                conn: sqlite3.Connection

                async def save(self):
                    self.conn.commit()  # expect: ASL105

            class Injected:
                def __init__(self, pool):
                    self.conn: sqlite3.Connection = pool.take()

                async def load(self):
                    return self.conn.execute("SELECT 1")  # expect: ASL105

            async def annotated(cur: sqlite3.Cursor):
                return cur.fetchall()  # expect: ASL105
            """,
            title="self attributes and annotations",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import sqlite3

            import aiosqlite
            import redis.asyncio as aioredis

            async def count_users(path):
                async with aiosqlite.connect(path) as db:
                    await db.execute("SELECT 1")
                r = aioredis.Redis()
                await r.get("k")
                return await asyncio.to_thread(lambda: sqlite3.connect(path).execute("SELECT 1").fetchall())

            def sync_count(path):
                return sqlite3.connect(path).execute("SELECT count(*) FROM users").fetchone()

            async def outer(path):
                def work():
                    with sqlite3.connect(path) as conn:
                        conn.commit()
                return await asyncio.to_thread(work)
            """
        ),
        Example(
            """
            async def main(db, cursor, repo):
                db.execute("SELECT 1")  # unknown objects
                cursor.fetchall()
                repo.get("k")
                settings = {}
                settings.get("redis")
            """,
            title="method names alone",
        ),
    )
