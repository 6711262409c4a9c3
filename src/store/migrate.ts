// Archives' schema keeper ("Archives"): applies the SQL migrations in migrations/postgres/ once each, in name order,
// under an advisory lock so that workers starting together do not race.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { packageRoot } from '../util/package-root.js';

/** Any constant: the key of the advisory lock migrations run under. */
const MIGRATION_LOCK = 0x0ff1ce;

export function migrationsDir(): string {
  return join(packageRoot(), 'migrations', 'postgres');
}

/** Applies what is not applied yet; returns the names applied now. Each migration is one transaction. */
export async function migrate(pool: pg.Pool, dir = migrationsDir()): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+_[\w-]+\.sql$/.test(n)).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS office_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM office_migrations')).rows.map((r) => r.name),
    );
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = await readFile(join(dir, name), 'utf8');
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO office_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      applied.push(name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
