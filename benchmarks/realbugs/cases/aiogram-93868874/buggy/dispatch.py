import asyncio


class Dispatcher:
    async def run_replies(self, replies) -> None:
        pending = [reply.send() for reply in replies]
        if pending:
            try:
                asyncio.gather(*pending)  # realbug
            except RuntimeError:
                pass
