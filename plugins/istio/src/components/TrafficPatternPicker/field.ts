import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { TrafficPatternPicker } from './TrafficPatternPicker';
import {
  TRAFFIC_PATTERN_PICKER_NAME,
  validateTrafficPatternField,
} from './patternValidation';

/** The picker as a form field of the new frontend system's scaffolder. */
export const trafficPatternPickerField = createFormField({
  name: TRAFFIC_PATTERN_PICKER_NAME,
  component: TrafficPatternPicker,
  validation: validateTrafficPatternField,
});
