"""Two read-only views of a batch of submissions, walked the same way: a folder and a .zip.

Neither ever follows a link or opens anything but a regular file. The folder is walked with
``O_NOFOLLOW`` file descriptors from the root (a folder swapped for a link while we read is refused, not
followed); a special file (FIFO, device, socket) is never opened, since opening a FIFO blocks. A zip is
never unpacked: each member is streamed from the archive with a running byte count, against a per-notebook
and a whole-archive budget, and handed on as bytes. Names are bytes, as the file system and the archive
store them; whether they are valid UTF-8 is the caller's question.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.intake.names import shown

MB = 1024 * 1024
MAX_NOTEBOOK_BYTES = 20 * MB
MAX_ZIP_BYTES = 1024 * MB
MAX_LISTING = 100_000  # entries read from one folder
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    """Sizes checked before anything is read into memory."""

    notebook_bytes: int = MAX_NOTEBOOK_BYTES  # one notebook (a file, or a zip member once inflated)
    zip_bytes: int = MAX_ZIP_BYTES  # everything inflated from one .zip of submissions


class Refused(Exception):
    """One entry cannot be read safely; the message says why (it becomes a ``failed`` row's reason)."""


def size_text(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n} bytes"


_SPECIAL = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
            (stat.S_ISBLK, "block device"))


def kind_of(mode: int) -> tuple[str, str]:
    """(``dir`` | ``file`` | ``link`` | ``special``, what to call it in a reason)."""
    if stat.S_ISDIR(mode):
        return "dir", "a folder"
    if stat.S_ISREG(mode):
        return "file", "a file"
    if stat.S_ISLNK(mode):
        return "link", "a link"
    for test, name in _SPECIAL:
        if test(mode):
            return "special", f"a special file ({name})"
    return "special", f"a special file (mode {mode:o})"


@dataclass(eq=False)
class Node:
    name: bytes
    path: tuple[bytes, ...]  # from the root of the tree (the root's is ())
    kind: str  # dir | file | link | special
    what: str  # "a folder", "a link", "a special file (FIFO)", ...
    size: int = 0  # as claimed by lstat or the zip header, before any reading
    problems: list[tuple[bytes, str]] = field(default_factory=list)  # (entry, reason): zip entries refused
    kids: dict[bytes, Node] | None = None  # zip: built up front; folder: listed on demand
    info: zipfile.ZipInfo | None = None

    @property
    def shown_path(self) -> str:
        return "/".join(shown(p) for p in self.path)  # printable: no terminal escapes reach a report


class FolderTree:
    """A folder of submissions, read through file descriptors that never follow links."""

    def __init__(self, root: Path, limits: IntakeLimits) -> None:
        self.limits = limits
        self.label = str(root)
        self.root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the argument itself
        self.root = Node(b"", (), "dir", "a folder")

    def close(self) -> None:
        os.close(self.root_fd)

    def _open_dir(self, path: tuple[bytes, ...]) -> int:
        fd = os.dup(self.root_fd)
        try:
            for i, part in enumerate(path):
                try:
                    nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
                except OSError as exc:
                    where = b"/".join(path[: i + 1]).decode("utf-8", "backslashreplace")
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise Refused(f"{where} is no longer a folder (a link or a file now)") from None
                    raise Refused(f"{where} cannot be opened: {exc.strerror}") from None
                os.close(fd)
                fd = nxt
        except BaseException:
            os.close(fd)
            raise
        return fd

    def children(self, node: Node) -> list[Node]:
        fd = self._open_dir(node.path)
        out: list[Node] = []
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    if len(out) >= MAX_LISTING:
                        raise Refused(f"{node.shown_path or self.label} holds more than {MAX_LISTING} entries")
                    name = os.fsencode(entry.name)
                    try:
                        st = os.stat(entry.name, dir_fd=fd, follow_symlinks=False)
                    except OSError:
                        continue  # gone while we listed
                    kind, what = kind_of(st.st_mode)
                    out.append(Node(name, (*node.path, name), kind, what, st.st_size))
        except OSError as exc:
            raise Refused(f"{node.shown_path or self.label} cannot be listed: {exc.strerror}") from None
        finally:
            os.close(fd)
        return sorted(out, key=lambda n: n.name)

    def read(self, node: Node) -> bytes:
        """The file's bytes, at most ``notebook_bytes``; never through a link, never a special file."""
        limit = self.limits.notebook_bytes
        if node.kind != "file":
            raise Refused(f"{node.what}, not a file")
        parent = self._open_dir(node.path[:-1])
        try:
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
            fd = os.open(node.name, flags, dir_fd=parent)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused("a link, not a file") from None
            raise Refused(f"cannot be opened: {exc.strerror}") from None
        finally:
            os.close(parent)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):  # swapped since the listing
                raise Refused(f"{kind_of(st.st_mode)[1]}, not a file")
            if st.st_size > limit:
                raise Refused(f"{size_text(st.st_size)}, over the {size_text(limit)} limit for a notebook")
            chunks, total = [], 0
            while True:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise Refused(f"grew over the {size_text(limit)} limit for a notebook while being read")
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError as exc:
            raise Refused(f"cannot be read: {exc.strerror}") from None
        finally:
            os.close(fd)

    def problems_under(self, node: Node) -> list[tuple[bytes, str]]:
        return []  # a folder has no entries that cannot be named


class ZipTree:
    """A .zip of submissions, never unpacked: members are streamed, counted and handed on as bytes."""

    def __init__(self, archive: Path, limits: IntakeLimits) -> None:
        self.limits = limits
        self.label = str(archive)
        self.inflated = 0  # bytes inflated so far, all members together
        self.zf = zipfile.ZipFile(archive)
        self.root = Node(b"", (), "dir", "a folder", kids={})
        for info in self.zf.infolist():
            self._add(info)

    def close(self) -> None:
        self.zf.close()

    @staticmethod
    def _raw_name(info: zipfile.ZipInfo) -> bytes:
        name = info.orig_filename
        if info.flag_bits & 0x800:
            return name.encode("utf-8", "surrogateescape")
        return name.encode("cp437", "replace")  # how zipfile decoded it: these are the stored bytes

    def _add(self, info: zipfile.ZipInfo) -> None:
        raw = self._raw_name(info)
        name = repr(shown(raw))
        parts = [p for p in raw.split(b"/") if p not in (b"", b".")]
        is_dir = raw.endswith(b"/")
        unsafe = None
        if raw.startswith(b"/") or (parts and re.fullmatch(rb"[A-Za-z]:", parts[0])):  # / or a drive (C:)
            unsafe = "an absolute path"
        elif b".." in parts:
            unsafe = "a path with '..'"
        elif b"\0" in raw:
            unsafe = "a NUL byte in the name"
        elif not parts:
            unsafe = "an empty name"
        if unsafe is not None:
            safe = parts[: parts.index(b"..")] if b".." in parts and not raw.startswith(b"/") else []
            self._deepest(safe).problems.append((raw, f"unsafe zip entry {name}: {unsafe}"))
            return
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        # no file type bits (Python's writestr, DOS zips): a plain file
        kind, what = ("dir", "a folder") if is_dir else kind_of(mode) if stat.S_IFMT(mode) else ("file", "a file")
        node = self.root
        for depth, part in enumerate(parts):
            assert node.kids is not None
            last = depth == len(parts) - 1
            found = node.kids.get(part)
            if found is None:
                path = tuple(parts[: depth + 1])
                if last:
                    found = Node(part, path, kind, what, info.file_size, info=info,
                                 kids={} if kind == "dir" else None)
                else:
                    found = Node(part, path, "dir", "a folder", kids={})
                node.kids[part] = found
            elif last and not (found.kind == "dir" and kind == "dir"):
                found.problems.append((raw, f"{name} is in the zip more than once"))
            elif not last and found.kind != "dir":
                found.problems.append((raw, f"{found.shown_path!r} is in the zip both as {found.what} and "
                                            "as a folder"))
                return
            node = found

    def _deepest(self, parts: list[bytes]) -> Node:
        """The folder an unsafe entry's safe prefix names (created if needed), so a student owns it."""
        node = self.root
        for depth, part in enumerate(parts):
            if node.kids is None:
                break
            if part not in node.kids:
                node.kids[part] = Node(part, tuple(parts[: depth + 1]), "dir", "a folder", kids={})
            node = node.kids[part]
        return node

    def children(self, node: Node) -> list[Node]:
        return sorted((node.kids or {}).values(), key=lambda n: n.name)

    def read(self, node: Node) -> bytes:
        """The member's bytes, inflated from the archive with a running count against both budgets."""
        limit, info = self.limits.notebook_bytes, node.info
        if node.kind != "file" or info is None:
            raise Refused(f"{node.what} in the zip, not a file")
        if info.flag_bits & 0x1:
            raise Refused("an encrypted zip entry")
        if info.file_size > limit:
            raise Refused(f"inflates to {size_text(info.file_size)}, beyond the {size_text(limit)} limit "
                          "for a notebook (not inflated)")
        room = self.limits.zip_bytes - self.inflated
        if info.file_size > room:
            raise Refused(f"the zip inflates beyond {size_text(self.limits.zip_bytes)} in all (not inflated)")
        chunks, total = [], 0
        try:
            with self.zf.open(info) as member:
                while True:
                    chunk = member.read(min(_CHUNK, limit + 1 - total))
                    if not chunk:
                        break
                    total += len(chunk)
                    self.inflated += len(chunk)
                    if total > limit:
                        raise Refused(f"inflates beyond {size_text(limit)}, the limit for a notebook")
                    if self.inflated > self.limits.zip_bytes:
                        raise Refused(f"the zip inflates beyond {size_text(self.limits.zip_bytes)} in all")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
                ValueError) as exc:
            raise Refused(f"a damaged zip entry ({type(exc).__name__}: {str(exc)[:120]})") from None
        return b"".join(chunks)

    def problems_under(self, node: Node) -> list[tuple[bytes, str]]:
        found = list(node.problems)
        for kid in (node.kids or {}).values():
            found += self.problems_under(kid)
        return found


Tree = FolderTree | ZipTree
