"""`factcheck.toml` beside the claims file: the run settings an article keeps (read with tomllib).

Each top-level key is a `Settings` field, read by one function in `READERS`. To add a
setting: give `Settings` the field, add a reader here (it gets the TOML value and returns the
field's value or raises ValueError), and add a row to the README's table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from factcheck.errors import SettingsFileError

FILE_NAME = "factcheck.toml"
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError("must be a number of seconds, 0 or more")
    return float(value)


def _deadline(value: Any) -> float:
    if _seconds(value) == 0:
        raise ValueError("must be a number of seconds above 0")
    return float(value)


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("host names must be non-empty strings")
    if "/" in value or ":" in value or " " in value:
        raise ValueError(f"{value!r} is not a host name (write example.org, not a URL)")
    return value.strip().lower()


def _hosts(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        raise ValueError('must be a list of host names, e.g. ["ads.example.com"]')
    return frozenset(_host(v) for v in value)


def _header_value(host: str, name: str, value: Any) -> str:
    """A string, or {env = "NAME"}: the secret is read from the environment, not the file."""
    where = f"{host} {name}"
    if isinstance(value, Mapping) and set(value) == {"env"} and isinstance(value["env"], str):
        secret = os.environ.get(value["env"])
        if secret is None:
            raise ValueError(f"{where}: environment variable {value['env']} is not set")
        value = secret
    if not isinstance(value, str):
        raise ValueError(f'{where}: the value must be a string or {{env = "VARIABLE"}}')
    if "\r" in value or "\n" in value:
        raise ValueError(f"{where}: the value must be one line")
    return value


def _headers(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, Mapping):
        raise ValueError('must be tables of headers by host: [host_headers."example.org"]')
    rules: dict[str, dict[str, str]] = {}
    for host, headers in value.items():
        if not isinstance(headers, Mapping):
            raise ValueError(f"{host}: must be a table of header names and values")
        bad = [n for n in headers if not HEADER_NAME.match(n)]
        if bad:
            raise ValueError(f"{host}: {bad[0]!r} is not a header name")
        rules[_host(host)] = {n: _header_value(host, n, v) for n, v in headers.items()}
    return rules


# factcheck.toml key (= Settings field) -> reader. One line per setting.
READERS: dict[str, Callable[[Any], Any]] = {
    "host_interval": _seconds,
    "run_deadline": _deadline,
    "skip_hosts": _hosts,
    "host_headers": _headers,
}


def settings_path(claims_path: Path) -> Path:
    return claims_path.parent / FILE_NAME


def file_settings(claims_path: Path) -> dict[str, Any]:
    """Settings changes from the factcheck.toml beside `claims_path`; {} when there is none.

    Raises SettingsFileError (bad input) listing every problem: syntax, unknown keys, values.
    """
    path = settings_path(claims_path)
    if not path.is_file():
        return {}
    import tomllib  # only when there is a file: most commands never need it

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsFileError(str(path), [f"cannot read: {exc}"]) from None
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        reader = READERS.get(key)
        if reader is None:
            problems.append(f"unknown setting {key!r}; known: {', '.join(READERS)}")
            continue
        try:
            changes[key] = reader(value)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise SettingsFileError(str(path), problems)
    return changes
