import { TestDatabases } from '@backstage/backend-test-utils';
import { requirePostgres15 } from './requirePostgres15';

const VARIABLE = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

describe('requirePostgres15', () => {
  const saved = { ci: process.env.CI, url: process.env[VARIABLE] };
  afterEach(() => {
    for (const [key, value] of [
      ['CI', saved.ci],
      [VARIABLE, saved.url],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('fails under CI when TestDatabases quietly dropped PostgreSQL 15', () => {
    process.env.CI = 'true';
    delete process.env[VARIABLE];
    const databases = TestDatabases.create({
      ids: ['POSTGRES_15'],
      disableDocker: true,
    });
    // What Backstage does on its own: no error, just no PostgreSQL.
    expect(databases.eachSupportedId()).toEqual([]);
    expect(() => requirePostgres15(databases)).toThrow(
      `PostgreSQL 15 is missing: set ${VARIABLE}`,
    );
  });

  it('runs the suite when TestDatabases has PostgreSQL 15', () => {
    process.env.CI = 'true';
    expect(requirePostgres15({ supports: id => id === 'POSTGRES_15' })).toBe(
      describe,
    );
  });
});
