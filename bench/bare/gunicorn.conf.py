"""The site's gunicorn settings (gunicorn.conf.py) for the bare project, but its start-up hook.

The site's `when_ready` builds the search index, which this project has not; what it does for
every worker (freezing what was loaded for the garbage collector) is done here too.
"""

import gc
import runpy
from pathlib import Path

SITE_CONFIG = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
globals().update({name: value for name, value in SITE_CONFIG.items() if not name.startswith("_")})


def when_ready(server):
    gc.collect()
    gc.freeze()
