"""What every command shares: the --claims/--db options, settings, the store, error handling."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from factcheck.errors import ExitCode, FactcheckError, NotFoundError
from factcheck.models import redact_url
from factcheck.settings import (
    Settings,
    default_cache_dir,
    default_db_path,
    environment_overrides,
)

if TYPE_CHECKING:  # sqlite-utils loads only for commands that open the database
    from factcheck.store.database import Store

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn FactcheckError into a clean message and its exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click reports usage errors itself (exit 2)
        except FactcheckError as exc:
            click.echo(f"error: {redact_url(str(exc))}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("interrupted: results recorded so far are kept", err=True)
            sys.exit(130)
        except sqlite3.Error as exc:
            click.echo(f"error: database: {exc}", err=True)
            sys.exit(int(ExitCode.ERROR))
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            click.echo(f"error: {exc.strerror or exc}{where}", err=True)
            sys.exit(int(ExitCode.ERROR))
        except Exception as exc:
            if os.environ.get("FACTCHECK_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} "
                "(set FACTCHECK_DEBUG=1 for the traceback, and please report it)",
                err=True,
            )
            sys.exit(int(ExitCode.ERROR))

    return wrapper  # type: ignore[return-value]


def claims_option(func: F) -> F:
    return click.option(
        "--claims",
        "claims_path",
        type=click.Path(path_type=Path),
        default=Path("claims.yaml"),
        show_default=True,
        help="The claims file.",
    )(func)


def claims_files_option(func: F) -> F:
    """--claims, repeatable: claims files or folders of them (ids become FILE/ID when many)."""
    return click.option(
        "--claims",
        "claims_paths",
        type=click.Path(path_type=Path),
        multiple=True,
        default=[Path("claims.yaml")],
        show_default=True,
        help="A claims file, or a folder of them; repeatable. With several, ids are FILE/ID.",
    )(func)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The database (default: factcheck.db beside the claims file, or $FACTCHECK_DB).",
    )(func)


def resolve_settings(claims_path: Path, db_path: Path | None, **changes: Any) -> Settings:
    return Settings(
        db_path=db_path or default_db_path(claims_path),
        cache_dir=default_cache_dir(claims_path),
        **{**environment_overrides(), **changes},
    )


def open_store(settings: Settings, *, must_exist: bool = True) -> Store:
    if must_exist and not settings.db_path.exists():
        raise NotFoundError(
            f"no database at {settings.db_path}: run `factcheck check` first (or pass --db)"
        )
    from factcheck.store.database import Store

    return Store.open(settings.db_path)


def emit_json(data: Any) -> None:
    """Indented JSON, as json.dumps(indent=2, ensure_ascii=False) writes it, by orjson: the
    standard library indents in Python, ~1 s for `status --json` on 10,000 claims."""
    import orjson

    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode()
    except TypeError:  # what orjson refuses (lone surrogates, integers past 64 bits)
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    click.echo(text)
