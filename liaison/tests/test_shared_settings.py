"""The settings of a deployment on several machines: the private files in a bucket when
STORAGE_URL or the AWS_* variables name one, the cache and the sessions in Redis when CACHE_URL
or REDIS_URL is set; without them, local disk, this process's memory and the database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = (
    "import json, sys; from liaison import settings as s; json.dump({"
    "'private': s.STORAGES['private'], 'cache': s.CACHES['default']['BACKEND'],"
    "'cache_location': s.CACHES['default'].get('LOCATION'), 'sessions': s.SESSION_ENGINE,"
    "'downloads': s.PRIVATE_FILE_DOWNLOADS}, sys.stdout)"
)
OURS = ("STORAGE_URL", "AWS_", "REDIS_URL", "CACHE_URL", "PRIVATE_FILE_", "ENV_FILE")


def run(tmp_path, script: str, environment: dict) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={
            **keep,
            "ENV_FILE": str(tmp_path / "none.env"),
            "SECRET_KEY": "a-production-like-key",
            "DEBUG": "0",
            **environment,
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(tmp_path, **environment) -> dict:
    result = run(tmp_path, SCRIPT, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_settings_files_stay_on_disk_and_state_in_this_process(tmp_path):
    values = settings_with(tmp_path)

    assert values["private"] == {"BACKEND": "liaison.uploads.PrivateStorage"}
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["sessions"] == "django.contrib.sessions.backends.db"
    assert values["downloads"] == "stream"


def test_storage_url_names_the_bucket_and_its_endpoint(tmp_path):
    values = settings_with(
        tmp_path,
        STORAGE_URL="s3://minio%2Fkey:se%40cret@minio.internal:9000/liaison-files"
        "?region=cn-central-1&secure=0",
    )

    assert values["private"] == {
        "BACKEND": "liaison.uploads.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "liaison-files",
            "endpoint_url": "http://minio.internal:9000",
            "access_key": "minio/key",
            "secret_key": "se@cret",
            "region_name": "cn-central-1",
            "addressing_style": "path",
            "location": "",
        },
    }


def test_aws_variables_name_the_bucket(tmp_path):
    values = settings_with(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="liaison",
        AWS_S3_ENDPOINT_URL="https://oss-cn-hangzhou.aliyuncs.com",
        AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_REGION_NAME="oss-cn-hangzhou",
        AWS_S3_ADDRESSING_STYLE="virtual",
    )

    options = values["private"]["OPTIONS"]
    assert values["private"]["BACKEND"] == "liaison.uploads.PrivateS3Storage"
    assert options["bucket_name"] == "liaison"
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert (options["access_key"], options["secret_key"]) == ("id", "secret")
    assert options["addressing_style"] == "virtual"


@pytest.mark.parametrize("name", ["REDIS_URL", "CACHE_URL"])
def test_redis_holds_the_cache_and_the_sessions(tmp_path, name):
    values = settings_with(tmp_path, **{name: "redis://127.0.0.1:6379/3"})

    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/3"
    assert values["sessions"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"STORAGE_URL": "ftp://files.example.cn/liaison"}, "STORAGE_URL must read s3://"),
        ({"STORAGE_URL": "s3://key:secret@minio:9000/"}, "STORAGE_URL must read s3://"),
        ({"PRIVATE_FILE_DOWNLOADS": "public"}, "PRIVATE_FILE_DOWNLOADS must be stream or"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start(tmp_path, environment, message):
    result = run(tmp_path, "import liaison.settings", environment)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
