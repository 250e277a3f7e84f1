/**
 * Service mesh cards, tab and adoption page for Backstage.
 *
 * @packageDocumentation
 */

export { istioPlugin as default } from './plugin';
