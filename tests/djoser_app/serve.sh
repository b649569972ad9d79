#!/usr/bin/env bash
# Serves the real djoser on 127.0.0.1:PORT with throwaway users, for trying a dialect by hand
# (docs/writing-a-dialect.md, section 9); tests/djoser.rs does the same from Rust.
#   bash tests/djoser_app/setup.sh                      # once: the pinned venv
#   printf 'user1:Secret-pass-1\nuser2:Secret-pass-2\n' | bash tests/djoser_app/serve.sh 8000
# Users come as `name:password` lines on standard input, so passwords appear in no command line.
# DJOSER_RETYPE=1 turns on SET_PASSWORD_RETYPE. Ctrl-C stops the server; the database is
# a fresh sqlite file in a temporary folder, removed on exit.
set -euo pipefail
port="${1:?usage: serve.sh PORT (users as name:password lines on stdin)}"
cd "$(dirname "$0")"
python=.venv/bin/python
[ -x "$python" ] || { echo "run bash tests/djoser_app/setup.sh first" >&2; exit 2; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
export DJOSER_DB="$dir/db.sqlite3" DJOSER_RETYPE="${DJOSER_RETYPE:-0}" PYTHONDONTWRITEBYTECODE=1
"$python" manage.py migrate -v 0
"$python" seed.py
echo "djoser on http://127.0.0.1:$port (Ctrl-C stops it)" >&2
"$python" manage.py runserver "127.0.0.1:$port" --noreload --nothreading
