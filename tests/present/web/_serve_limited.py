"""Child process of the slow-client tests: `backstride serve`'s `server.run` with given limits.

python -m tests.present.web._serve_limited PORT FOLDER '{"header_timeout_s": 1}'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backstride.config import Settings
from backstride.present.web import create_app
from backstride.present.web.server import ServeLimits, run

port, folder, limits = int(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
settings = Settings(database_url=f"sqlite:///{folder / 'web.db'}", data_dir=folder / "data")
app = create_app(settings, config_path=folder / "config.toml")
run(app, host="127.0.0.1", port=port, limits=ServeLimits(**limits))
