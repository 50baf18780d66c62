"""Answers holding a time (a pandas Timestamp or a datetime) travel as data and keep their instant."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from course.exercises import evaluate
from course.exercises.answers import from_data, to_data


def roundtrip(value):
    return from_data(json.loads(json.dumps(to_data(value))))


def test_a_timestamp_survives_the_trip_with_its_time_zone():
    stamp = pd.Timestamp("2023-07-10T11:54:33Z")
    assert roundtrip(stamp) == stamp
    assert roundtrip(pd.Timestamp("2023-07-10 13:54:33", tz="Europe/Berlin")) == stamp
    assert roundtrip(datetime(2023, 7, 10, 11, 54, 33, tzinfo=UTC)) == stamp


def test_a_naive_timestamp_stays_naive_and_nested_values_work():
    naive = pd.Timestamp("2020-09-14 01:02:34")
    assert roundtrip(naive) == naive and roundtrip(naive).tzinfo is None
    answer = {"first_call": pd.Timestamp("2023-07-10T11:54:33Z"), "times": [pd.Timestamp("2020-01-01T00:00:00Z")]}
    assert roundtrip(answer) == answer


def test_a_mapping_with_a_timestamp_is_graded_the_same_after_the_trip():
    answer = {"principal": "arn:aws:iam::123837392027:user/bert-jan", "source_ip": "192.168.10.20",
              "first_call": pd.Timestamp("2023-07-10T11:54:33Z")}
    assert evaluate("6.1", answer).passed
    assert evaluate("6.1", roundtrip(answer)).passed
