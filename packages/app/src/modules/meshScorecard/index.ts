export { meshScorecardModule } from './meshScorecardModule';
