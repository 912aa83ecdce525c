"""The portal's URLs plus the benchmark's bare view (portal.settings_bench only)."""

from django.urls import path

from . import bench
from .urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/bare", bench.bare, name="bench-bare"), *portal_urlpatterns]
