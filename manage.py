#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

SECRET_KEY_FILE = Path(__file__).resolve().parent / ".secret_key"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kneeinfo.settings")
    # Local commands use the checkout's key that `make run` made; servers (wsgi.py) still need
    # SECRET_KEY in their environment.
    if "SECRET_KEY" not in os.environ and SECRET_KEY_FILE.exists():
        os.environ["SECRET_KEY"] = SECRET_KEY_FILE.read_text().strip()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
