"""A stand-in for Telegram's Bot API: a real HTTP server in a thread on a free port of
127.0.0.1 that records each method called (``POST /bot<token>/<method>`` with a JSON body)
and answers as Telegram does, or with the failures a test asks for."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Call:
    token: str
    method: str
    payload: dict


@dataclass
class BotApi:
    """``failures``: answers to give instead of success, one per call, as (status,
    retry_after or None); then every call succeeds. ``updates``: what getUpdates answers
    (those from its ``offset`` on)."""

    failures: deque = field(default_factory=deque)
    updates: list[dict] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def start(self) -> BotApi:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                length = int(self.headers.get("content-length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                bot, _, method = self.path.lstrip("/").partition("/")
                owner.calls.append(Call(bot.removeprefix("bot"), method, payload))
                status, answer = 200, {"ok": True, "result": {"message_id": len(owner.calls)}}
                if method == "getUpdates":
                    offset = payload.get("offset", 0)
                    answer["result"] = [u for u in owner.updates if u["update_id"] >= offset]
                if owner.failures:
                    status, retry_after = owner.failures.popleft()
                    answer = {"ok": False, "error_code": status, "description": f"failed {status}"}
                    if retry_after is not None:
                        answer["description"] = f"Too Many Requests: retry after {retry_after}"
                        answer["parameters"] = {"retry_after": retry_after}
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def sent(self, chat_id: int | None = None) -> list[str]:
        """The texts of the messages sent (to ``chat_id``), in order."""
        return [
            c.payload["text"]
            for c in self.calls
            if c.method == "sendMessage" and chat_id in (None, c.payload["chat_id"])
        ]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
