import { requireRealPart } from './requireRealPart';

/**
 * `requireRealPart` for PostgreSQL 15 in a set of Backstage `TestDatabases`.
 * With its connection string unset and Docker disabled, `TestDatabases`
 * drops POSTGRES_15 without a word, and `eachSupportedId()` then tests
 * SQLite only.
 *
 * @param databases - The set, made with `POSTGRES_15` among its ids.
 * @public
 */
export function requirePostgres15(databases: {
  supports(id: 'POSTGRES_15'): boolean;
}): jest.Describe {
  return requireRealPart(
    'PostgreSQL 15',
    databases.supports('POSTGRES_15'),
    "set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (scripts/env.sh sets it to the machine's PostgreSQL, 127.0.0.1:5432)",
  );
}
