"""What the local Telegram and the local Zalo share as HTTP servers: listening on a free port,
a client session for their webhook deliveries, and closing both."""

from __future__ import annotations

from typing import Any, Self

import aiohttp
from aiohttp import web

__all__ = ["LocalServer"]


class LocalServer:
    """Base of the local servers: `listen` in `start`, `close_http` in `stop`; usable as
    ``async with Server() as server``."""

    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def listen(self, app: web.Application, host: str, port: int, **options: Any) -> str:
        """Serve `app` on host:port (0 picks a free port) and open the client session; the
        base URL to give clients. `options` go to aiohttp's AppRunner."""
        runner = web.AppRunner(app, access_log=None, **options)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._session = aiohttp.ClientSession()
        return f"http://{bound_host}:{bound_port}"

    async def close_http(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
