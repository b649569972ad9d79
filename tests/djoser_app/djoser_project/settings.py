"""A minimal Django project serving djoser as its documentation sets it up ("Getting started":
rest_framework, rest_framework.authtoken and djoser installed, token authentication, djoser's
urls and token urls under /auth/). Only for tests: loopback, throwaway sqlite database.

Environment:
  DJOSER_DB             path of the sqlite database (required: the test makes one per run)
  DJOSER_RETYPE=1       SET_PASSWORD_RETYPE: True (re_new_password required)
"""
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework.authtoken",
    "djoser",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "djoser_project.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["DJOSER_DB"],
    }
}
# The validators `django-admin startproject` writes into every new project.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's testing docs: a fast hasher for test runs. Hashing is no part of the HTTP contract.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
}
DJOSER = {
    "SET_PASSWORD_RETYPE": os.environ.get("DJOSER_RETYPE") == "1",
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "root": {"level": "ERROR"},
}
