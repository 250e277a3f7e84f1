/*
 * Demo only: the Harbor Bank demo's adoption history backfill. A real
 * backend records its history as it runs and never adds this.
 */
export { demoHistoryModule as default } from './demoHistoryModule';
