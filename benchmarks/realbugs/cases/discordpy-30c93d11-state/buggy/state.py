import asyncio


class ConnectionState:
    def _needs_chunking(self, guild) -> bool:
        return bool(guild)

    async def _chunk_and_dispatch(self, guild, unavailable: bool) -> None:
        ...

    def parse_guild_create(self, guild, unavailable: bool) -> None:
        if self._needs_chunking(guild):
            asyncio.create_task(self._chunk_and_dispatch(guild, unavailable))  # realbug
            return
