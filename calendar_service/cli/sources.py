"""Reading an .ics file from a path or an http(s) URL, with a size cap and a timeout.

Only http and https are fetched (webcal:// is read as https://, as calendar
apps do); redirects are followed a few times and must stay on http(s). A
body larger than the cap is refused while it streams in, never loaded whole.
"""

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from calendar_service.cli.runner import CliError

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 5


def _too_big(source: str) -> CliError:
    return CliError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB; split the calendar or import a file")


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS) -> bytes:
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "calendar-service import-ics"}
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.url.scheme not in ("http", "https"):
                raise CliError(f"{url} redirected to {response.url}, which is not http(s)")
            if response.status_code != httpx.codes.OK:
                raise CliError(f"{url} answered HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url)
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise _too_big(url)
            return bytes(body)
    except httpx.TimeoutException:
        raise CliError(f"{url} did not answer within {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise CliError(f"{url} redirected more than {MAX_REDIRECTS} times") from None
    except httpx.HTTPError as exc:
        raise CliError(f"cannot fetch {url}: {exc or type(exc).__name__}") from None


def read_source(source: str) -> bytes:
    """The bytes of a local file or an http(s)/webcal URL."""
    scheme = urlsplit(source).scheme.lower()
    if scheme == "webcal":
        return fetch("https" + source[len("webcal") :])
    if scheme in ("http", "https"):
        return fetch(source)
    if "://" in source:
        raise CliError(f"{source}: only http(s) and webcal URLs are fetched; give a URL of those or a file path")
    path = Path(source)
    if not path.is_file():
        raise CliError(f"no such file: {source}")
    if path.stat().st_size > MAX_BYTES:
        raise _too_big(source)
    return path.read_bytes()
