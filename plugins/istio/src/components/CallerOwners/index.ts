export { CallerOwners } from './CallerOwners';
