class ServerManager:
    async def update(self, modes: list[str]) -> bool:
        return True
