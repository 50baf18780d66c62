"""The shipped datasets are intact and each keeps its licence and provenance."""

from __future__ import annotations

import hashlib

from conftest import ROOT

DATA = ROOT / "data"


def test_every_data_file_matches_its_checksum_and_is_listed():
    listed = {}
    for line in (DATA / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    files = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*")
             if p.is_file() and p.name not in ("SHA256SUMS", "README.md")}
    assert files == set(listed), "data/SHA256SUMS must list exactly the data files"
    for name, digest in listed.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, f"data/{name} changed"


def test_each_dataset_has_source_and_licence_and_data_stays_small():
    for folder in (p for p in DATA.iterdir() if p.is_dir()):
        assert (folder / "SOURCE.md").is_file(), f"{folder.name} lacks SOURCE.md"
        text = (folder / "SOURCE.md").read_text()
        assert (folder / "LICENSE").is_file() or "CC BY-SA" in text, f"{folder.name} lacks its licence"
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 10 * 1024 * 1024, "keep data/ under 10 MB"
