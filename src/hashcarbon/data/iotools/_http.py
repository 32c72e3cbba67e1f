"""HTTP for ``hashcarbon data update``: timeouts, retries with backoff, a named user agent.

Only :mod:`hashcarbon.data.update` (the ``data update`` command) calls this
module; no other command touches the network.  Every response body is streamed
to a temporary file beside the user's data, its sha256 taken on the way, and a
body shorter than its ``Content-Length`` is rejected as truncated.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hashcarbon import __version__

#: User agent naming the project, its version and where to report problems.
USER_AGENT = f"hashcarbon/{__version__} (+https://github.com/hashcarbon/hashcarbon; data update)"
#: Connect / read timeouts. [s]
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Attempts per request (1 + retries) and the backoff base: waits 1, 2, 4 ... s,
#: or the server's Retry-After when it is shorter than MAX_WAIT_S.
ATTEMPTS = 4
BACKOFF_S = 1.0
MAX_WAIT_S = 30.0
#: Status codes worth retrying (rate limit and server-side errors).
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: Largest body accepted (guards a runaway download). [bytes]
MAX_BYTES = 512 * 1024 * 1024

#: Replaced in tests so that retries do not wait.
sleep = time.sleep


class FetchError(Exception):
    """A download failed after its retries; the message is one line (e.g. ``HTTP 429``)."""


@dataclass(frozen=True)
class Payload:
    """One downloaded response: where it sits, its sha256 and size."""

    name: str
    url: str
    path: Path
    sha256: str
    nbytes: int

    def read(self) -> bytes:
        """The body."""
        return self.path.read_bytes()


def client() -> httpx.Client:
    """An httpx client with the project's user agent and timeouts."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
        timeout=TIMEOUT,
        follow_redirects=True,
    )


def _retry_after(resp: httpx.Response, attempt: int) -> float:
    wait = BACKOFF_S * 2**attempt
    value = resp.headers.get("Retry-After")
    if value:
        with contextlib.suppress(ValueError):
            wait = float(value)
    return min(max(wait, 0.0), MAX_WAIT_S)


def download(
    http: httpx.Client,
    name: str,
    url: str,
    tmp_dir: Path,
    params: dict[str, Any] | None = None,
) -> Payload:
    """GET ``url`` into a temporary file in ``tmp_dir`` with retries; return its :class:`Payload`.

    Raises
    ------
    FetchError
        After the last attempt: timeout, connection error, an HTTP error status,
        a body shorter than its Content-Length, or a body over :data:`MAX_BYTES`.
    """
    tmp_dir.mkdir(parents=True, exist_ok=True)
    last = "no attempt"
    for attempt in range(ATTEMPTS):
        fd, tmp = _mkstemp(tmp_dir, name)
        try:
            with os.fdopen(fd, "wb") as fh, http.stream("GET", url, params=params) as resp:
                if resp.status_code in RETRY_STATUS:
                    last = f"HTTP {resp.status_code} from {resp.url.host}"
                    wait = _retry_after(resp, attempt)
                    raise _Retry(wait)
                if resp.status_code >= 400:
                    raise FetchError(f"HTTP {resp.status_code} from {resp.url.host}")
                h = hashlib.sha256()
                n = 0
                for chunk in resp.iter_raw() if _identity(resp) else resp.iter_bytes():
                    n += len(chunk)
                    if n > MAX_BYTES:
                        raise FetchError(
                            f"response from {resp.url.host} over {MAX_BYTES // 2**20} MiB"
                        )
                    h.update(chunk)
                    fh.write(chunk)
                expected = resp.headers.get("Content-Length")
                if (
                    _identity(resp)
                    and expected is not None
                    and expected.isdigit()
                    and int(expected) != n
                ):
                    raise FetchError(
                        f"truncated body from {resp.url.host}: {n:,} of {int(expected):,} bytes"
                    )
            return Payload(name, str(resp.url), Path(tmp), h.hexdigest(), n)
        except _Retry as r:
            Path(tmp).unlink(missing_ok=True)
            if attempt + 1 < ATTEMPTS:
                sleep(r.wait)
        except httpx.TimeoutException:
            Path(tmp).unlink(missing_ok=True)
            last = f"timeout from {httpx.URL(url).host}"
            if attempt + 1 < ATTEMPTS:
                sleep(BACKOFF_S * 2**attempt)
        except httpx.TransportError as err:
            Path(tmp).unlink(missing_ok=True)
            last = f"connection error to {httpx.URL(url).host} ({type(err).__name__})"
            if attempt + 1 < ATTEMPTS:
                sleep(BACKOFF_S * 2**attempt)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    raise FetchError(f"{last} after {ATTEMPTS} attempts")


def _identity(resp: httpx.Response) -> bool:
    return resp.headers.get("Content-Encoding", "identity") in ("", "identity")


class _Retry(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


def _mkstemp(tmp_dir: Path, name: str) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=f".download.{name}.", suffix=".tmp", dir=tmp_dir)
