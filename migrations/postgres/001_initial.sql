-- office's task state in PostgreSQL: the same documents, dead letters and audit chain as the files under .office/,
-- plus the leases that say which worker runs a task. Applied once, in order, by src/store/migrate.ts.

-- One row per task: the whole task document (the zod schema in src/schemas/task.ts checks it on every read),
-- with the fields listings sort and filter on beside it.
CREATE TABLE office_tasks (
  task_id    text PRIMARY KEY,
  created_at text NOT NULL,
  status     text NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX office_tasks_newest ON office_tasks (created_at DESC, task_id DESC);

-- Who runs a task now: a worker holds the lease while it renews it (a heartbeat); an expired lease is free.
CREATE TABLE office_task_leases (
  task_id     text PRIMARY KEY,
  holder      text NOT NULL,
  host        text NOT NULL,
  pid         integer NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- The dead-letter queue ("Task Morgue").
CREATE TABLE office_dead_letters (
  task_id text PRIMARY KEY,
  at      text NOT NULL,
  entry   jsonb NOT NULL
);

-- The hash-chained audit trail: each row keeps its entry's exact JSON line, so the chain verifies as the file does.
CREATE TABLE office_audit_entries (
  seq     bigint PRIMARY KEY,
  task_id text,
  line    text NOT NULL
);
CREATE INDEX office_audit_entries_task ON office_audit_entries (task_id);

-- The last appended entry (seq and hash), so that removing rows at the end is detected.
CREATE TABLE office_audit_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  head     text NOT NULL
);
