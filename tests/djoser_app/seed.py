"""Creates the throwaway users of a test run: one `username:password` per line on standard input,
so passwords appear in no command line."""
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djoser_project.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

User = get_user_model()
for line in sys.stdin.read().splitlines():
    if not line.strip():
        continue
    name, password = line.split(":", 1)
    User.objects.create_user(username=name, password=password)
print("seeded", User.objects.count(), "user(s)")
