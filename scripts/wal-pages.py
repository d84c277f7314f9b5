#!/usr/bin/env python3
"""Which tables and indexes the pages in a SQLite WAL belong to: what each commit writes.

Usage: scripts/wal-pages.py DATABASE WAL [TOP]
DATABASE is a copy of the database file, WAL a copy of its write-ahead log taken at the same
moment (scripts/load-events.sh leaves both with KEEP_DB=dir). Every frame of the log's current
generation is one page written by a commit; the pages are named by SQLite's dbstat table. A page
written by every commit (an append) costs little; an index whose pages are written one per event
(a random key) is what a group commit pays for.
"""
import collections
import sqlite3
import struct
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    db, wal = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    names = dict((page, name) for name, page in conn.execute("SELECT name, pageno FROM dbstat"))
    data = open(wal, "rb").read()
    if len(data) < 32:
        sys.exit("the WAL is empty")
    _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack(">8I", data[:32])
    pages, commits, offset = [], 0, 32
    while offset + 24 + page_size <= len(data):
        page, commit_size, s1, s2 = struct.unpack(">4I", data[offset:offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # frames of an earlier generation of the log
        pages.append(page)
        commits += commit_size != 0
        offset += 24 + page_size
    if not commits:
        sys.exit("no commit in the WAL's current generation")
    print(f"{len(pages)} frames, {commits} commits, {len(pages) / commits:.1f} frames a commit")
    counts = collections.Counter(names.get(p, "(new page)") for p in pages)
    for name, n in counts.most_common(top):
        print(f"{n / commits:8.1f}  {name}")


if __name__ == "__main__":
    main()
