/**
 * The on-disk layout: one SQLite file in WAL mode.
 *
 * - `tag`: the catalog. `key` is the integer used in sample batches; AUTOINCREMENT so a key is never
 *   reused, even after a tag is deleted by hand.
 * - `wal`: the historian's own write-ahead staging: one row per flush holding every batch accepted in
 *   that interval (see walCodec.ts). `gen` is the generation the rows belong to; a row is deleted in
 *   the same transaction that commits the last chunk of its generation.
 * - `chunk`: sealed, compressed per-tag series (see chunkCodec.ts) with good-only summaries so trend
 *   queries can skip decoding chunks that lie inside one bucket. `gen` lets recovery delete the chunks
 *   of a generation whose sealing did not finish (its wal rows are replayed instead).
 * - `latest`: the last sample per tag as of the sealed chunks; wal replay brings it up to date.
 * - `event`: hub events. `meta`: the generation high-water mark.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value
);
CREATE TABLE IF NOT EXISTS tag (
  key INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  retention_class TEXT NOT NULL DEFAULT 'default',
  def TEXT NOT NULL,
  updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS wal (
  seq INTEGER PRIMARY KEY,
  gen INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS chunk (
  id INTEGER PRIMARY KEY,
  tag_key INTEGER NOT NULL,
  t_start REAL NOT NULL,
  t_end REAL NOT NULL,
  gen INTEGER NOT NULL,
  n INTEGER NOT NULL,
  n_good INTEGER NOT NULL,
  n_bad INTEGER NOT NULL,
  vmin REAL,
  vmax REAL,
  vsum REAL,
  first REAL,
  first_ts REAL,
  last REAL,
  last_ts REAL,
  integral REAL,
  dur REAL,
  tail REAL,
  body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunk_tag_time ON chunk (tag_key, t_start, t_end);
CREATE INDEX IF NOT EXISTS chunk_gen ON chunk (gen);
CREATE TABLE IF NOT EXISTS latest (
  tag_key INTEGER PRIMARY KEY,
  ts REAL NOT NULL,
  server_ts REAL NOT NULL,
  value REAL,
  status INTEGER NOT NULL,
  text TEXT
);
CREATE TABLE IF NOT EXISTS event (
  id INTEGER PRIMARY KEY,
  ts REAL NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  source TEXT,
  message TEXT NOT NULL,
  details TEXT
);
CREATE INDEX IF NOT EXISTS event_ts ON event (ts);
`;
