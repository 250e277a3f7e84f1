import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** The plugin database as the stores open it: Backstage's service or a bare client (tests). @public */
export type PluginDatabase =
  | DatabaseService
  | { getClient(): Promise<Knex>; migrations?: { skip?: boolean } };

/**
 * Opens the plugin database and brings its schema to the latest migration
 * of `migrations/`, unless the deployment skips migrations.
 * @public
 */
export async function migratePluginDatabase(
  database: PluginDatabase,
): Promise<Knex> {
  const db = await database.getClient();
  if (database.migrations?.skip) return db;
  const directory = resolvePackagePath(
    '@meshportal/plugin-istio-backend',
    'migrations',
  );
  // Instances starting together race to create Knex's bookkeeping
  // tables; the loser retries once the winner's migration has finished.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ directory });
      return db;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise(resolve => setTimeout(resolve, 250 * attempt));
    }
  }
}
