-- 0001: the catalog's first schema.
--
-- All timestamps are UTC, written by the application (TIMESTAMP without zone).
-- Indexes are kept to what correctness needs: DuckDB's WAL replay has had
-- index-related bugs, so only the constraints below create indexes.
-- There are no foreign keys (DuckDB restricts updates and deletes under them).

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE deployments_seq START 1;

CREATE TABLE deployments (
    id              INTEGER NOT NULL DEFAULT nextval('deployments_seq'),
    name            VARCHAR NOT NULL UNIQUE,
    path            VARCHAR NOT NULL UNIQUE,  -- absolute
    data_paths      JSON NOT NULL,            -- JSON array of paths relative to path
    excludes        JSON NOT NULL,            -- JSON array of paths relative to path
    version_key     VARCHAR NOT NULL,
    storage_dir     VARCHAR NOT NULL,
    compose_project VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP NOT NULL
);

-- backup_records: every column of the predecessor's table, then Rewind's own.
CREATE SEQUENCE backup_records_seq START 1;

CREATE TABLE backup_records (
    id               INTEGER PRIMARY KEY DEFAULT nextval('backup_records_seq'),
    backup_name      VARCHAR NOT NULL UNIQUE,
    backup_type      VARCHAR NOT NULL,
    source_version   VARCHAR,
    backup_path      VARCHAR NOT NULL,        -- absolute
    backup_size      BIGINT,
    file_count       INTEGER,
    compression_type VARCHAR DEFAULT 'gzip',
    backup_hash      VARCHAR,                 -- SHA-256 hex of the archive file
    description      TEXT,
    backup_metadata  JSON,                    -- the manifest
    created_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at       TIMESTAMP,
    deployment_id    INTEGER,
    status           VARCHAR NOT NULL DEFAULT 'in_progress'
        CHECK (status IN ('in_progress', 'completed', 'failed', 'corrupt')),
    verified_at      TIMESTAMP,
    error            TEXT
);

-- backup_entries: one row per archived entry, appended in archive order
-- (seq is the entry's position in the archive's index).
CREATE TABLE backup_entries (
    backup_id INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    path      VARCHAR NOT NULL,
    type      VARCHAR NOT NULL,
    size      BIGINT NOT NULL,
    mode      INTEGER NOT NULL,
    mtime     TIMESTAMP_NS,
    uid       BIGINT,
    gid       BIGINT,
    link      VARCHAR,
    sha256    VARCHAR
);

CREATE SEQUENCE upgrade_history_seq START 1;

CREATE TABLE upgrade_history (
    id               INTEGER NOT NULL DEFAULT nextval('upgrade_history_seq'),
    deployment_id    INTEGER,
    from_version     VARCHAR,
    to_version       VARCHAR NOT NULL,
    status           VARCHAR NOT NULL
        CHECK (status IN ('running', 'succeeded', 'failed', 'rolled_back', 'rollback_failed')),
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    duration_ms      BIGINT,
    backup_id        INTEGER,
    error            TEXT,
    rollback_reason  TEXT,
    images_before    JSON,                    -- JSON array of service images
    images_after     JSON,
    rollback_healthy BOOLEAN                  -- NULL when no rollback ran
);

-- operations: the journal of every mutating operation, written before each step.
CREATE SEQUENCE operations_seq START 1;

CREATE TABLE operations (
    id            INTEGER NOT NULL DEFAULT nextval('operations_seq'),
    deployment_id INTEGER,
    kind          VARCHAR NOT NULL,
    state         VARCHAR NOT NULL
        CHECK (state IN ('running', 'succeeded', 'failed', 'canceled', 'recovered')),
    step          VARCHAR,
    facts         JSON,
    started_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    error         TEXT,
    pid           INTEGER
);

CREATE TABLE app_config (
    key   VARCHAR PRIMARY KEY,
    value JSON NOT NULL
);
