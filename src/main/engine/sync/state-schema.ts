// The state database's schema, versioned with PRAGMA user_version: each migration runs in its own
// transaction, so a failure (or a crash) leaves the file at the last version that completed.
import type Database from 'better-sqlite3';

export interface Migration {
  /** The user_version the database has after this migration. */
  version: number;
  up(db: Database.Database): void;
}

const V1 = `
CREATE TABLE synced (
  pair_id TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  ino INTEGER,
  md5 TEXT,
  crc64 TEXT,
  etag TEXT NOT NULL,
  synced_at_ms INTEGER NOT NULL,
  PRIMARY KEY (pair_id, key)
) WITHOUT ROWID;

CREATE TABLE uploads (
  upload_id TEXT PRIMARY KEY,
  pair_id TEXT NOT NULL,
  key TEXT NOT NULL,
  object_key TEXT NOT NULL,
  part_size INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  ino INTEGER,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX uploads_by_key ON uploads (pair_id, key);

CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL REFERENCES uploads (upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  md5 TEXT,
  crc64 TEXT,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;

CREATE TABLE backoff (
  pair_id TEXT NOT NULL,
  key TEXT NOT NULL,
  failures INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  last_failed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (pair_id, key)
) WITHOUT ROWID;
CREATE INDEX backoff_due ON backoff (pair_id, next_attempt_ms);
`;

/** Why and when this computer moved an object to the bucket's trash: the listing only says where it is. */
const V2_TRASH_NOTES = `
CREATE TABLE trash_notes (
  pair_id TEXT NOT NULL,
  trash_key TEXT NOT NULL,
  original_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  trashed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (pair_id, trash_key)
) WITHOUT ROWID;
`;

// The recent-activity log (bounded per pair by ActivityLog), and the uploads the user declined on a held plan
// (refused while the file keeps the size and mtime it had then).
const V3_ACTIVITY = `
CREATE TABLE activity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pair_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  bytes INTEGER,
  extra TEXT
);
CREATE INDEX activity_by_pair ON activity (pair_id, id);

CREATE TABLE declined (
  pair_id TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  declined_at_ms INTEGER NOT NULL,
  PRIMARY KEY (pair_id, key)
) WITHOUT ROWID;
`;

/** A trash note's reason as a message id with parameters (JSON), so the window shows it in the user's language. */
const V4_TRASH_WHY = 'ALTER TABLE trash_notes ADD COLUMN why TEXT;';

/** In ascending version order; append, never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: (db) => db.exec(V1) },
  { version: 2, up: (db) => db.exec(V2_TRASH_NOTES) },
  { version: 3, up: (db) => db.exec(V3_ACTIVITY) },
  { version: 4, up: (db) => db.exec(V4_TRASH_WHY) },
];

export const CURRENT_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database up to the last migration's version; returns the version it ends at. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  for (const migration of migrations) {
    if (readVersion(db) >= migration.version) continue; // the usual case: no write lock taken
    // IMMEDIATE takes the write lock before reading the version, so the app and the CLI opening a new file
    // at once do not both run the same migration.
    db.transaction(() => {
      if (readVersion(db) >= migration.version) return;
      migration.up(db);
      // PRAGMA is transactional in SQLite: the version moves only if the migration commits.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return readVersion(db);
}

export function readVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
