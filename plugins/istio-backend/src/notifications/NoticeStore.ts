import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import {
  PluginDatabase,
  migratePluginDatabase,
} from '../database/migratePluginDatabase';

const SENT = 'istio_notices_sent';
const STATE = 'istio_notice_state';

/** What the regression check last recorded of an entity. @public */
export interface RecordedState<T> {
  version: number;
  state: T;
}

/**
 * The plugin database's memory of mesh notices: which were sent, and the
 * state each entity was last seen in. Deciding who sends is one insert
 * under a unique key, so replicas and restarts never send a notice twice.
 * @public
 */
export class NoticeStore {
  private constructor(private readonly db: Knex) {}

  static async create(database: PluginDatabase): Promise<NoticeStore> {
    return new NoticeStore(await migratePluginDatabase(database));
  }

  /**
   * Claims a notice: true for the one caller that inserted its key first
   * (it sends), false when any instance claimed it before.
   */
  async claim(notice: {
    key: string;
    topic: string;
    subject: string;
    recipients: string[];
  }): Promise<boolean> {
    // RETURNING lists only the rows actually inserted (PostgreSQL, SQLite 3.35+).
    const inserted = await this.db(SENT)
      .insert({
        notice_key: createHash('sha256').update(notice.key).digest('hex'),
        topic: notice.topic.slice(0, 64),
        subject: notice.subject.slice(0, 255),
        recipients: JSON.stringify(notice.recipients),
      })
      .onConflict('notice_key')
      .ignore()
      .returning('notice_key');
    return inserted.length === 1;
  }

  /** Gives a claim back, when its notice could not be sent, so a later run retries. */
  async release(key: string): Promise<void> {
    await this.db(SENT)
      .where('notice_key', createHash('sha256').update(key).digest('hex'))
      .delete();
  }

  async state<T>(entityRef: string): Promise<RecordedState<T> | undefined> {
    const row = await this.db(STATE)
      .where('entity_ref', entityRef)
      .first('version', 'state');
    return row
      ? { version: Number(row.version), state: JSON.parse(row.state) }
      : undefined;
  }

  /**
   * Records a new state over the one at `previous` (undefined: none yet).
   * False when another instance recorded over it first; that instance's
   * record stands.
   */
  async recordState(
    entityRef: string,
    previous: number | undefined,
    state: unknown,
  ): Promise<boolean> {
    const data = JSON.stringify(state);
    if (previous === undefined) {
      const inserted = await this.db(STATE)
        .insert({ entity_ref: entityRef, version: 1, state: data })
        .onConflict('entity_ref')
        .ignore()
        .returning('entity_ref');
      return inserted.length === 1;
    }
    const updated = await this.db(STATE)
      .where({ entity_ref: entityRef, version: previous })
      .update({
        version: previous + 1,
        state: data,
        updated_at: this.db.fn.now(),
      });
    return updated === 1;
  }
}
