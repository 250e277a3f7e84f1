export { TrafficPatternPicker } from './TrafficPatternPicker';
export {
  TRAFFIC_PATTERN_PICKER_NAME,
  validateTrafficPatternField,
} from './patternValidation';
