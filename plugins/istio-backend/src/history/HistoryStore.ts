import { Knex } from 'knex';
import {
  PluginDatabase,
  migratePluginDatabase,
} from '../database/migratePluginDatabase';

const TABLE = 'istio_adoption_history';
const CHUNK = 200;

/** What a history row is about. @public */
export type HistoryScope = 'mesh' | 'namespace' | 'entity';

/** One recorded snapshot of one subject. @public */
export interface HistoryRow {
  periodStart: string;
  scope: HistoryScope;
  /** Empty for the mesh, `cluster/namespace`, or an entity ref. */
  subject: string;
  stage?: string;
  data: unknown;
}

/**
 * The start of the period `at` falls in, as ISO 8601 UTC: periods are
 * aligned on the Unix epoch, so every instance computes the same key.
 * @public
 */
export function periodStart(at: Date, periodMs: number): string {
  return new Date(Math.floor(at.getTime() / periodMs) * periodMs).toISOString();
}

/**
 * Adoption history in the plugin's database. Writing is idempotent per
 * period and subject, so two instances recording the same period store it once.
 * @public
 */
export class HistoryStore {
  private constructor(private readonly db: Knex) {}

  static async create(database: PluginDatabase): Promise<HistoryStore> {
    return new HistoryStore(await migratePluginDatabase(database));
  }

  /** Inserts rows, ignoring any whose period and subject are already stored. Returns how many were new. */
  async record(rows: HistoryRow[]): Promise<number> {
    // One transaction: a write cut short (a database restart) leaves no
    // partial period behind, so the next run sees the period missing and
    // records it whole.
    return this.db.transaction(trx => this.insert(trx, rows));
  }

  private async insert(trx: Knex.Transaction, rows: HistoryRow[]) {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map(r => ({
        period_start: r.periodStart,
        scope: r.scope,
        subject: r.subject,
        stage: r.stage ?? null,
        data: JSON.stringify(r.data),
      }));
      // RETURNING lists only the rows actually inserted (PostgreSQL, SQLite 3.35+).
      const result = await trx(TABLE)
        .insert(chunk)
        .onConflict(['period_start', 'scope', 'subject'])
        .ignore()
        .returning('id');
      inserted += result.length;
    }
    return inserted;
  }

  /** Whether anything was recorded for this period already. */
  async hasPeriod(periodStartIso: string): Promise<boolean> {
    const row = await this.db(TABLE)
      .where({ period_start: periodStartIso, scope: 'mesh' })
      .first('id');
    return Boolean(row);
  }

  /** Rows with from <= periodStart < to, oldest first. */
  async read(options: {
    from: string;
    to: string;
    scope?: HistoryScope;
    subject?: string;
  }): Promise<HistoryRow[]> {
    const query = this.db(TABLE)
      .where('period_start', '>=', options.from)
      .andWhere('period_start', '<', options.to)
      .orderBy([
        { column: 'period_start' },
        { column: 'scope' },
        { column: 'subject' },
      ]);
    if (options.scope) query.andWhere('scope', options.scope);
    if (options.subject !== undefined)
      query.andWhere('subject', options.subject);
    const rows = await query.select(
      'period_start',
      'scope',
      'subject',
      'stage',
      'data',
    );
    return rows.map((r: any) => ({
      periodStart: r.period_start,
      scope: r.scope,
      subject: r.subject,
      stage: r.stage ?? undefined,
      data: JSON.parse(r.data),
    }));
  }

  /** Deletes rows of periods that started before `before`. */
  async prune(before: string): Promise<number> {
    return this.db(TABLE).where('period_start', '<', before).delete();
  }
}
