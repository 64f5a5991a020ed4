"""Fixtures of the liaison tests: an association larger than a page (shared with reports), an
S3-compatible server and a bucket as the private storage."""

from liaison.tests.association_setup import association  # noqa: F401
from liaison.tests.object_storage import bucket, s3_server  # noqa: F401
