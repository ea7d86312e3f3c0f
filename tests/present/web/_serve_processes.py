"""Child process of the server-processes test: `run_processes` over a tiny app.

python -m tests.present.web._serve_processes PORT PROCESSES
"""

from __future__ import annotations

import functools
import os
import socket
import sys
from typing import Any

from backstride.present.web.server import run, run_processes


async def pid_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers every request with the id of the process that served it."""
    if scope["type"] != "http":
        return
    body = str(os.getpid()).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def start(port: int, sock: socket.socket) -> None:
    run(pid_app, host="127.0.0.1", port=port, sockets=[sock])


if __name__ == "__main__":
    port, processes = int(sys.argv[1]), int(sys.argv[2])
    run_processes(functools.partial(start, port), host="127.0.0.1", port=port, processes=processes)
