"""Where the page cache keeps its pages: Redis when REDIS_URL is set, else a
SQLite file in var/ that every process on the machine shares.

Both stores keep the same promises, which articles/page_cache.py relies on:

- `get(key)` returns a page only while none of the dependency keys it was
  stored with has been invalidated since (one round trip on Redis);
- `put(key, value, deps, started, ttl)` stores nothing when one of `deps`
  was invalidated after `started` (a `sequence()` read before the page was
  rendered), so a page rendered from rows that a concurrent change replaced
  is never kept;
- `invalidate(deps)` makes every page stored with any of `deps` a miss;
- errors (Redis stopped, Redis full, a locked file) raise StoreError, which
  the page cache turns into "render without the cache".

Redis: a page is one string, "dep stamp dep stamp …\\n" + payload, and each
dependency key has a stamp (a number from one counter). A Lua script
compares the page's stamps with the current ones on every hit; invalidating
a key gives it a new stamp. Nothing but the pages and stamps is kept, so an
eviction (`maxmemory-policy allkeys-lru`) only costs hits: a page whose
stamp was evicted is a miss. When Redis is full under `noeviction`, writes
fail but invalidation falls back to deleting stamps, which is allowed.
"""

import sqlite3
import threading
import time

LUA_GET = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
local newline = string.find(value, '\\n', 1, true)
local head = string.sub(value, 1, newline - 1)
for dep, stamp in string.gmatch(head, '(%S+) (%S+)') do
  if redis.call('GET', ARGV[1] .. dep) ~= stamp then return false end
end
return string.sub(value, newline + 1)
"""

LUA_PUT = """
local prefix, ttl, started = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local payload, stamp_ttl = ARGV[4], tonumber(ARGV[5])
local current = redis.call('GET', prefix .. 'seq') or '0'
local head = {}
for i = 6, #ARGV do
  local name = prefix .. ARGV[i]
  local stamp = redis.call('GET', name)
  if stamp then
    if tonumber(stamp) > started then return 0 end
  else
    stamp = current
    redis.call('SET', name, stamp, 'EX', stamp_ttl)
  end
  redis.call('EXPIRE', name, stamp_ttl)
  head[#head + 1] = ARGV[i] .. ' ' .. stamp
end
redis.call('SET', KEYS[1], table.concat(head, ' ') .. '\\n' .. payload, 'EX', ttl)
return 1
"""

LUA_INVALIDATE = """
local prefix, stamp_ttl = ARGV[1], tonumber(ARGV[2])
local stamp = redis.call('INCR', prefix .. 'seq')
for i = 3, #ARGV do
  redis.call('SET', prefix .. ARGV[i], stamp, 'EX', stamp_ttl)
end
return stamp
"""


class StoreError(Exception):
    """The store cannot answer (unreachable, full, locked)."""


class RedisStore:
    """Pages in Redis (REDIS_URL), shared by every app server."""

    def __init__(self, url, prefix="newsroom:page:", timeout=0.25):
        import redis

        self.errors = redis.RedisError
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.prefix = prefix
        self.stamp_prefix = prefix + "s:"
        self._get = self.client.register_script(LUA_GET)
        self._put = self.client.register_script(LUA_PUT)
        self._invalidate = self.client.register_script(LUA_INVALIDATE)

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except self.errors as error:
            raise StoreError(f"Redis: {type(error).__name__}: {error}") from error

    def get(self, key):
        return self._call(
            self._get, keys=[self.prefix + "e:" + key], args=[self.stamp_prefix]
        )

    def sequence(self):
        return int(self._call(self.client.get, self.prefix + "s:seq") or 0)

    def put(self, key, value, deps, started, ttl, stamp_ttl):
        stored = self._call(
            self._put,
            keys=[self.prefix + "e:" + key],
            args=[self.stamp_prefix, ttl, started, value, stamp_ttl, *deps],
        )
        return bool(stored)

    def invalidate(self, deps, stamp_ttl):
        try:
            self._invalidate(args=[self.stamp_prefix, stamp_ttl, *deps])
        except self.errors as error:
            # Full under noeviction: new stamps cannot be written, but
            # deleting them is allowed, and a page without its stamp is a miss.
            try:
                self.client.delete(*(self.stamp_prefix + dep for dep in deps))
            except self.errors:
                raise StoreError(f"Redis: {type(error).__name__}: {error}") from error

    def get_value(self, name):
        value = self._call(self.client.get, self.prefix + "m:" + name)
        return value.decode() if value is not None else None

    def set_value(self, name, value, ttl=None):
        self._call(self.client.set, self.prefix + "m:" + name, value, ex=ttl)

    def add(self, name, value, ttl):
        """Set `name` unless it exists (a lock); True if this call set it."""
        return bool(
            self._call(
                self.client.set, self.prefix + "m:" + name, value, ex=ttl, nx=True
            )
        )

    def delete_value(self, name):
        self._call(self.client.delete, self.prefix + "m:" + name)

    def clear(self):
        cursor = 0
        while True:
            cursor, names = self._call(
                self.client.scan, cursor, match=self.prefix + "*", count=1000
            )
            if names:
                self._call(self.client.delete, *names)
            if not cursor:
                return

    def ping(self):
        self._call(self.client.ping)


SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, value BLOB, expires REAL);
CREATE INDEX IF NOT EXISTS entry_expires ON entry (expires);
CREATE TABLE IF NOT EXISTS dep (dep TEXT, key TEXT);
CREATE INDEX IF NOT EXISTS dep_dep ON dep (dep);
CREATE INDEX IF NOT EXISTS dep_key ON dep (key);
CREATE TABLE IF NOT EXISTS stamp (dep TEXT PRIMARY KEY, seq INTEGER, expires REAL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT, expires REAL);
"""


class SqliteStore:
    """Pages in a SQLite file that all processes of one machine share (the
    default without REDIS_URL): WAL mode, one connection per thread, every
    write in one immediate transaction. At most `max_entries` pages; the
    ones that expire first go first."""

    def __init__(self, path, max_entries=20_000):
        self.path = str(path)
        self.max_entries = max_entries
        self.local = threading.local()

    @property
    def db(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path, timeout=2, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last writes in a crash, never its integrity.
            connection.execute("PRAGMA synchronous=OFF")
            connection.executescript(SCHEMA)
            self.local.connection = connection
        return connection

    def _write(self, function):
        try:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                result = function(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result
        except sqlite3.Error as error:
            raise StoreError(f"SQLite: {error}") from error

    def _read(self, sql, params):
        try:
            return self.db.execute(sql, params).fetchone()
        except sqlite3.Error as error:
            raise StoreError(f"SQLite: {error}") from error

    def get(self, key):
        row = self._read(
            "SELECT value FROM entry WHERE key = ? AND expires > ?", (key, time.time())
        )
        return row[0] if row else None

    def sequence(self):
        row = self._read("SELECT value FROM meta WHERE name = 'seq'", ())
        return int(row[0]) if row else 0

    def put(self, key, value, deps, started, ttl, stamp_ttl):
        now = time.time()

        def store(db):
            marks = ",".join("?" * len(deps))
            newer = db.execute(
                f"SELECT 1 FROM stamp WHERE dep IN ({marks}) AND seq > ? LIMIT 1",
                (*deps, started),
            ).fetchone()
            if newer:
                return False
            db.execute("DELETE FROM dep WHERE key = ?", (key,))
            db.execute(
                "INSERT OR REPLACE INTO entry VALUES (?, ?, ?)", (key, value, now + ttl)
            )
            db.executemany("INSERT INTO dep VALUES (?, ?)", [(d, key) for d in deps])
            count = db.execute("SELECT count(*) FROM entry").fetchone()[0]
            if count > self.max_entries:
                self._evict(db, now, count - self.max_entries)
            return True

        return self._write(store)

    def _evict(self, db, now, surplus):
        db.execute("DELETE FROM entry WHERE expires <= ?", (now,))
        db.execute(
            "DELETE FROM entry WHERE key IN "
            "(SELECT key FROM entry ORDER BY expires LIMIT ?)",
            (max(surplus, self.max_entries // 10),),
        )
        db.execute("DELETE FROM dep WHERE key NOT IN (SELECT key FROM entry)")
        db.execute("DELETE FROM stamp WHERE expires <= ?", (now,))

    def invalidate(self, deps, stamp_ttl):
        now = time.time()

        def invalidate(db):
            seq = self.sequence() + 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?, NULL)", (seq,))
            db.executemany(
                "INSERT OR REPLACE INTO stamp VALUES (?, ?, ?)",
                [(dep, seq, now + stamp_ttl) for dep in deps],
            )
            marks = ",".join("?" * len(deps))
            db.execute(
                f"DELETE FROM entry WHERE key IN "
                f"(SELECT key FROM dep WHERE dep IN ({marks}))",
                tuple(deps),
            )
            db.execute(f"DELETE FROM dep WHERE dep IN ({marks})", tuple(deps))

        self._write(invalidate)

    def get_value(self, name):
        row = self._read(
            "SELECT value FROM meta "
            "WHERE name = ? AND (expires IS NULL OR expires > ?)",
            (name, time.time()),
        )
        return row[0] if row else None

    def set_value(self, name, value, ttl=None):
        expires = time.time() + ttl if ttl else None
        self._write(
            lambda db: db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", (name, value, expires)
            )
        )

    def add(self, name, value, ttl):
        now = time.time()

        def add(db):
            db.execute("DELETE FROM meta WHERE name = ? AND expires <= ?", (name, now))
            return (
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES (?, ?, ?)",
                    (name, value, now + ttl),
                ).rowcount
                == 1
            )

        return self._write(add)

    def delete_value(self, name):
        self._write(lambda db: db.execute("DELETE FROM meta WHERE name = ?", (name,)))

    def clear(self):
        def clear(db):
            for table in ("entry", "dep", "stamp", "meta"):
                db.execute(f"DELETE FROM {table}")

        self._write(clear)

    def ping(self):
        self._read("SELECT 1", ())
