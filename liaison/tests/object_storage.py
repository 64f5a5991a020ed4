"""An S3-compatible server for the tests: moto's server mode on 127.0.0.1 and a free port,
started once per session, with a fresh private bucket per test as the ``private`` storage."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass

import boto3
import pytest

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str
    client: object  # a boto3 S3 client that sees the bucket from outside the application

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def write(self, key: str, body: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=body)

    def options(self) -> dict:
        return {
            "bucket_name": self.name,
            "endpoint_url": self.endpoint,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "region_name": REGION,
        }


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer  # only the tests that need a store start one

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings) -> Bucket:
    """A new bucket, made the private storage for the test (the settings come back after)."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION, **CREDENTIALS)
    name = f"liaison-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    store = Bucket(s3_server, name, client)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "liaison.uploads.PrivateS3Storage", "OPTIONS": store.options()},
    }
    return store
