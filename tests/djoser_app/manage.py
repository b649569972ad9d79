#!/usr/bin/env python
"""Django's command-line utility for the throwaway djoser project of tests/djoser.rs."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djoser_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
