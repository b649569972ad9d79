#!/usr/bin/env bash
# Installs the pinned Django, Django REST Framework and djoser into tests/djoser_app/.venv, for
# tests/djoser.rs (the built-in cases against the real djoser). .ci/run calls it; a developer runs
# it once: `bash tests/djoser_app/setup.sh`. Needs python3 with venv and pip, and PyPI.
set -euo pipefail
cd "$(dirname "$0")"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -c 'import django, rest_framework, djoser; print("djoser app ready: Django", django.get_version())'
