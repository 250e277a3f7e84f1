/**
 * Test-only guards for suites that need a real part of the machine.
 *
 * @packageDocumentation
 */
export { requireRealPart } from './requireRealPart';
export { requirePostgres15 } from './requirePostgres15';
