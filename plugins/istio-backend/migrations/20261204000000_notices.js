// @ts-check

/**
 * Mesh notices, each sent once. `istio_notices_sent` holds one row per
 * notice ever sent, keyed by what it is about: the instance whose insert
 * succeeds sends it, every other instance (a second replica, the same one
 * after a restart) finds the key taken and does not. `istio_notice_state`
 * holds, per entity, the state the regression check last recorded; its
 * version names the baseline a change is measured from, so two instances
 * comparing against the same baseline derive the same notice keys.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('istio_notices_sent', table => {
    table.comment('Mesh notices already sent, one row each');
    table
      .string('notice_key', 64)
      .primary()
      .comment('SHA-256 (hex) of what the notice is about');
    table
      .string('topic', 64)
      .notNullable()
      .comment('regression or strict-planned');
    table
      .string('subject', 255)
      .notNullable()
      .comment('entity ref, or cluster/namespace, the notice is about');
    table.text('recipients').notNullable().comment('JSON: entity refs told');
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('istio_notice_state', table => {
    table.comment('Per entity, the mesh state the regression check last saw');
    table.string('entity_ref', 255).primary();
    table
      .integer('version')
      .notNullable()
      .comment('Bumped at each change; notice keys include it');
    table.text('state').notNullable().comment('JSON: modes, callers, errors');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('istio_notice_state');
  await knex.schema.dropTable('istio_notices_sent');
};
