import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The test database: PostgreSQL on 127.0.0.1:5432, database `test`, trust auth. `GOTTHARD_TEST_PG`
 * overrides the connection string; otherwise user `postgres` is tried, then `root`.
 */
export async function testConnectionString(): Promise<string> {
  const env = process.env.GOTTHARD_TEST_PG;
  const candidates = env
    ? [env]
    : ['postgresql://postgres@127.0.0.1:5432/test', 'postgresql://root@127.0.0.1:5432/test'];
  let last: unknown;
  for (const cs of candidates) {
    const c = new pg.Client({ connectionString: cs });
    try {
      await c.connect();
      await c.end();
      return cs;
    } catch (err) {
      last = err;
      await c.end().catch(() => undefined);
    }
  }
  throw new Error(`no test PostgreSQL at 127.0.0.1:5432/test: ${(last as Error).message}`);
}

/** A random schema name for one test store. */
export function randomSchema(prefix = 'gt_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchemas(connectionString: string, schemas: Iterable<string>): Promise<void> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await c.end();
  }
}
