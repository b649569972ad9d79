"""djoser's documented URL setup: `path("auth/", include("djoser.urls"))` and the token urls."""
from django.urls import include, path

urlpatterns = [
    path("auth/", include("djoser.urls")),
    path("auth/", include("djoser.urls.authtoken")),
]
