"""Settings: defaults < TOML file in the user config dir < BACKSTRIDE_* env < CLI flags.

| setting            | default                                   | meaning                             |
|--------------------|-------------------------------------------|-------------------------------------|
| database_url       | sqlite file in the user data directory    | any SQLAlchemy URL, or a plain path |
| data_dir           | platformdirs user data dir                | where the default store lives       |
| files_dir          | beside the store (`runner.db` → `runner.files/`) | the store's own files        |
| units              | "metric"                                  | "metric" or "imperial" (display)    |
| week_start         | "monday"                                  | first day of a training week        |
| shoe_limit_km      | 800                                       | default life of a pair of shoes     |
| host / port        | 127.0.0.1 / 8765                          | where `backstride serve` listens    |
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backstride.errors import ConfigError
from backstride.files import write_atomic

APP_NAME = "backstride"
#: The longest shoe life a limit may state [km]; far past any pair's, and a typo's guard.
MAX_SHOE_LIMIT_KM = 10_000.0

SETTING_HELP: dict[str, str] = {
    "database_url": "SQLAlchemy URL of the store; a plain path means a SQLite file",
    "data_dir": "folder for the default store (backstride.db and backstride.files/)",
    "files_dir": "folder for the store's own files (originals, uploads, form videos); "
    "by default beside a SQLite store, runner.db → runner.files/",
    "units": "distances shown in km (metric) or miles (imperial)",
    "week_start": "first day of a training week (monday or sunday)",
    "shoe_limit_km": "default distance after which a pair of shoes is due for replacement",
    "host": "address `backstride serve` listens on (loopback by default)",
    "port": "port `backstride serve` listens on",
}


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseModel):
    """Validated, frozen settings; built once in the entry point and passed down."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    files_dir: Path | None = None
    units: Literal["metric", "imperial"] = "metric"
    week_start: Literal["monday", "sunday"] = "monday"
    shoe_limit_km: float = Field(default=800.0, gt=0, le=MAX_SHOE_LIMIT_KM, allow_inf_nan=False)
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to connect to; a plain path becomes a SQLite URL."""
        return normalise_database_url(self.database_url or str(self.data_dir / "backstride.db"))

    @property
    def store_files_dir(self) -> Path:
        """The folder of the store's own files: originals, uploads, form-check media, scratch.

        Beside a SQLite store (``runner.db`` → ``runner.files/``), so that ``--db``
        selects all of a store and copying the two moves it; `files_dir` overrides it.
        A server store (PostgreSQL) keeps its originals in the database and only its
        uploads and form media here: ``data_dir/stores/<server>-<database>/``.
        """
        return store_files_dir(self.resolved_database_url, self.files_dir, self.data_dir)


def store_files_dir(url: str, files_dir: Path | None, data_dir: Path) -> Path:
    """Where the store at `url` keeps its files (see `Settings.store_files_dir`)."""
    if files_dir is not None:
        return Path(files_dir).expanduser()
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        if database in ("", ":memory:"):
            return data_dir / "memory.files"
        path = Path(database.removeprefix("file:").split("?")[0])
        return path.with_name(path.stem + ".files" if path.suffix else path.name + ".files")
    import hashlib

    where = parsed.render_as_string(hide_password=True)
    tag = hashlib.sha256(where.encode()).hexdigest()[:8]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{parsed.host}-{database}")
    return data_dir / "stores" / f"{name}-{tag}"


def normalise_database_url(value: str) -> str:
    """A URL passes through; a plain filesystem path means a SQLite file."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def config_file() -> Path:
    """The TOML file of the runner's own choices (the second settings layer)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _file_layer() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from exc


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name in Settings.model_fields:
        key = f"BACKSTRIDE_{name.upper()}"
        if key in environ:
            layer[name] = environ[key]
    if "BACKSTRIDE_DB" in environ:
        layer["database_url"] = environ["BACKSTRIDE_DB"]
    return layer


def load_settings(
    cli_overrides: dict[str, Any] | None = None,
    *,
    environ: dict[str, str] | None = None,
    read_file: bool = True,
) -> Settings:
    """Build Settings from every layer, the highest-priority one last."""
    merged: dict[str, Any] = {}
    if read_file:
        merged.update(_file_layer())
    merged.update(_env_layer(dict(os.environ) if environ is None else environ))
    merged.update({k: v for k, v in (cli_overrides or {}).items() if v is not None})
    try:
        return Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def save_settings_file(updates: dict[str, Any], *, path: Path | None = None) -> Path:
    """Merge `updates` into the settings file (the layer the web settings page edits).

    Values are validated first, so the file never holds a setting that cannot load.
    """
    path = path or config_file()
    current: dict[str, Any] = {}
    if path.is_file():
        try:
            current = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
    merged = {**current, **updates}
    try:
        Settings(**merged)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc.errors()[0]['msg']}") from exc
    lines = [f"{k} = {_toml_value(v)}" for k, v in sorted(merged.items())]
    write_atomic(path, "\n".join(lines) + "\n")
    return path
