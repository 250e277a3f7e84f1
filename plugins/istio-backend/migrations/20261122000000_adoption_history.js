// @ts-check

/**
 * One row per period (period_start) and subject: the whole mesh, a
 * namespace (`cluster/namespace`) or a catalog entity (its ref). The unique
 * key lets several backend instances write the same period: the first insert
 * wins, the others are ignored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('istio_adoption_history', table => {
    table.comment('Hourly (by default) adoption snapshots of the Istio mesh');
    table.bigIncrements('id').primary();
    table
      .string('period_start', 32)
      .notNullable()
      .comment('Start of the period, ISO 8601 UTC');
    table
      .string('scope', 16)
      .notNullable()
      .comment('mesh, namespace or entity');
    table
      .string('subject', 255)
      .notNullable()
      .comment('empty for mesh, cluster/namespace, or an entity ref');
    table.string('stage', 32).nullable();
    table.text('data').notNullable().comment('JSON: counts and blockers');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['period_start', 'scope', 'subject'], {
      indexName: 'istio_adoption_history_period_subject_uniq',
    });
    table.index(['scope', 'period_start'], 'istio_adoption_history_scope_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('istio_adoption_history');
};
