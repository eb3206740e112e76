"""Sign-in throttling: failures counted per account, per address and per both.

Three counters, each with its own allowance before a wait:

- (address, account): a person mistyping, or one machine guessing one password;
- account, from any address: many machines guessing one password (five addresses making
  ten guesses each are throttled after LOGIN_LIMIT_PER_ACCOUNT in all);
- address, across accounts: one machine trying a password on many accounts. Its allowance
  is large, so the people behind one office proxy never lock each other out: ten bad
  attempts by one of them leave everyone else signing in.

Past its allowance a counter makes the next attempt wait, and every further failure
doubles the wait (up to LOGIN_MAX_WAIT_SECONDS). Waiting is the client's job: the request
is answered at once with 429 and Retry-After, never by sleeping in a web worker. The
counters live in Redis, shared by every web process, and in this process's memory while
Redis is away, so sign-in never depends on Redis and is never unthrottled."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
SCOPES = ("address_account", "account", "address")
_REDIS_PAUSE = 5.0  # after a Redis error, count in memory for this long before trying again


@dataclass(frozen=True)
class Policy:
    allowed: dict[str, int]  # failures each scope allows before the first wait
    first_wait: int
    max_wait: int
    memory: int  # how long a counter lasts after its last failure, in seconds

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(
            allowed={
                "address_account": int(config["LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT"]),
                "account": int(config["LOGIN_LIMIT_PER_ACCOUNT"]),
                "address": int(config["LOGIN_LIMIT_PER_ADDRESS"]),
            },
            first_wait=int(config["LOGIN_FIRST_WAIT_SECONDS"]),
            max_wait=int(config["LOGIN_MAX_WAIT_SECONDS"]),
            memory=int(config["LOGIN_FAILURE_MEMORY_SECONDS"]),
        )

    def wait(self, scope: str, failures: int, last: float, now: float) -> float:
        over = failures - self.allowed[scope]
        if over < 0:
            return 0.0
        delay = min(self.first_wait * 2 ** min(over, 32), self.max_wait)
        return max(0.0, last + delay - now)


def _network(address: str) -> str:
    """An IPv6 client owns a whole /64: counting single addresses would let it rotate."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(email: str, address: str) -> dict[str, str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "collab") + ":signin:"
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    network = hashlib.sha256(_network(address).encode()).hexdigest()[:32]
    return {
        "address_account": f"{prefix}aa:{network}:{account}",
        "account": f"{prefix}ac:{account}",
        "address": f"{prefix}ad:{network}",
    }


class _Memory:
    """The fallback: this process's own counters, for while Redis is away."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counters: dict[str, tuple[int, float, float]] = {}  # key -> (n, last, expires)

    def read(self, keys: list[str], now: float) -> list[tuple[int, float]]:
        with self.lock:
            found = []
            for key in keys:
                n, last, expires = self.counters.get(key, (0, 0.0, 0.0))
                found.append((n, last) if expires > now else (0, 0.0))
            return found

    def add(self, keys: list[str], now: float, ttl: int) -> None:
        with self.lock:
            if len(self.counters) > 50_000:
                self.counters = {k: v for k, v in self.counters.items() if v[2] > now}
            for key in keys:
                n, _, expires = self.counters.get(key, (0, 0.0, 0.0))
                self.counters[key] = ((n if expires > now else 0) + 1, now, now + ttl)

    def clear(self, keys: list[str]) -> None:
        with self.lock:
            for key in keys:
                self.counters.pop(key, None)


_memory = _Memory()
_clients: dict[str, Redis] = {}
_paused_until: dict[str, float] = {}


def _url() -> str:
    return current_app.config.get("RATELIMIT_STORAGE_URI") or ""


def _redis() -> Redis | None:
    url = _url()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None  # memory:// (the bench) or nothing configured: count in memory
    if time.monotonic() < _paused_until.get(url, 0.0):
        return None
    if url not in _clients:
        _clients[url] = Redis.from_url(url, socket_connect_timeout=0.3, socket_timeout=0.3)
    return _clients[url]


def _redis_failed(exc: Exception) -> None:
    _paused_until[_url()] = time.monotonic() + _REDIS_PAUSE
    log.warning("sign-in throttling counts in memory while Redis is away: %s", exc)


def _read(keys: list[str], now: float) -> list[tuple[int, float]]:
    redis = _redis()
    if redis is not None:
        try:
            pipe = redis.pipeline(transaction=False)
            for key in keys:
                pipe.hmget(key, "n", "last")
            return [(int(n or 0), float(last or 0)) for n, last in pipe.execute()]
        except RedisError as exc:
            _redis_failed(exc)
    return _memory.read(keys, now)


def _add(keys: list[str], now: float, ttl: int) -> None:
    redis = _redis()
    if redis is not None:
        try:
            pipe = redis.pipeline(transaction=True)
            for key in keys:
                pipe.hincrby(key, "n", 1)
                pipe.hset(key, "last", repr(now))
                pipe.expire(key, ttl)
            pipe.execute()
            return
        except RedisError as exc:
            _redis_failed(exc)
    _memory.add(keys, now, ttl)


def _clear(keys: list[str]) -> None:
    _memory.clear(keys)
    redis = _redis()
    if redis is not None:
        try:
            redis.delete(*keys)
        except RedisError as exc:
            _redis_failed(exc)


def wait_seconds(email: str, address: str, now: float | None = None) -> int:
    """How long this address must wait before trying this account again (0: go ahead)."""
    now = time.time() if now is None else now
    policy = Policy.from_config(current_app.config)
    keys = _keys(email, address)
    counts = _read([keys[scope] for scope in SCOPES], now)
    wait = max(
        policy.wait(scope, n, last, now) for scope, (n, last) in zip(SCOPES, counts, strict=True)
    )
    return int(wait) + (1 if wait % 1 else 0)  # whole seconds, rounded up


def failed(email: str, address: str, now: float | None = None) -> int:
    """Counts a failed attempt; answers the wait it now imposes on the next one."""
    now = time.time() if now is None else now
    policy = Policy.from_config(current_app.config)
    keys = _keys(email, address)
    _add([keys[scope] for scope in SCOPES], now, policy.memory + policy.max_wait)
    return wait_seconds(email, address, now)


def succeeded(email: str, address: str) -> None:
    """The right password from here: this address's own mistakes at this account are
    forgiven. The account-wide and address-wide counters stay, or a guesser who also knows
    one password could reset them."""
    _clear([_keys(email, address)["address_account"]])
