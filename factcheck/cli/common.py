"""What every command shares: error handling, logging, --claims/--db, settings, the store."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

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


class FactcheckGroup(click.Group):
    """The root group: every command's errors become a clean message and an exit code, here once."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click reports usage errors itself (exit 2)
        except FactcheckError as exc:
            fail(f"error: {redact_url(str(exc))}", exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted: results recorded so far are kept", ExitCode.INTERRUPTED)
        except BrokenPipeError:  # `factcheck check | head -1`: the reader has had enough
            silence_stdout()
            sys.exit(int(ExitCode.OK))
        except sqlite3.Error as exc:
            fail(f"error: database: {exc}", ExitCode.ERROR)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            fail(f"error: {exc.strerror or exc}{where}", ExitCode.ERROR)
        except Exception as exc:
            if os.environ.get("FACTCHECK_DEBUG"):
                raise
            import logging

            logging.getLogger("factcheck").debug("internal error", exc_info=exc)
            fail(
                f"internal error: {type(exc).__name__}: {exc} (run with -vv or "
                "FACTCHECK_LOG=debug for the traceback, and please report it)",
                ExitCode.ERROR,
            )


def fail(message: str, code: ExitCode) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(int(code))


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def setup_logging(verbose: int) -> None:
    """-v info, -vv debug, FACTCHECK_LOG=LEVEL; by default warnings reach stderr through
    logging's last resort, and `logging` is not even imported for it (cold start)."""
    if verbose or os.environ.get("FACTCHECK_LOG") or "logging" in sys.modules:
        from factcheck.cli.logs import configure

        configure(verbose)


def claims_option(func: F) -> F:
    return click.option(
        "--claims",
        "claims_path",
        type=click.Path(path_type=Path),  # a folder or unreadable file is bad input (4), not usage
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


def resolve_settings(
    claims_path: Path, db_path: Path | None, *, with_file: bool = False, **changes: Any
) -> Settings:
    """Options over environment over factcheck.toml (`with_file`: commands that fetch)."""
    from_file: dict[str, Any] = {}
    if with_file:
        from factcheck.settings_file import file_settings

        from_file = file_settings(claims_path)
    return Settings(
        db_path=db_path or default_db_path(claims_path),
        cache_dir=default_cache_dir(claims_path),
        **{**from_file, **environment_overrides(), **changes},
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

    try:  # UTF-8 bytes, written as they are: no copy decoded and encoded again
        text: str | bytes = orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str)
    except TypeError:  # what orjson refuses (lone surrogates, integers past 64 bits)
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if isinstance(text, bytes) and not hasattr(sys.stdout, "buffer"):
        text = text.decode()  # a stdout that takes only text (io.StringIO)
    click.echo(text)


RICH_ROWS = 200  # larger tables print plainly: rich lays out ~1 ms a row (issue 21, point 5)
_CONTROLS = dict.fromkeys([*range(32), *range(127, 160)], "?")


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned with spaces, control characters shown as "?" (cells are untrusted):
    what a pipe gets, and a terminal past RICH_ROWS rows."""
    cells = [[cell.translate(_CONTROLS) for cell in row] for row in [columns, *rows]]
    widths = [max(map(len, column)) for column in zip(*cells, strict=True)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )
