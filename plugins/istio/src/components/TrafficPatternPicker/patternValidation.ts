import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  TrafficPattern,
  validateTrafficPattern,
} from '@meshportal/plugin-istio-common';
import { isPattern, patternTarget, previewInput } from './patternDraft';

/** The name templates use: `ui:field: IstioTrafficPatternPicker`. */
export const TRAFFIC_PATTERN_PICKER_NAME = 'IstioTrafficPatternPicker';

/**
 * Stops the form on the pattern step when `istio:traffic:generate` would
 * refuse the pattern (weights not adding up to 100, an invalid regex, the
 * same version on both sides). Other fields are validated by their own step.
 */
export const validateTrafficPatternField: CustomFieldValidator<
  TrafficPattern
> = (data, field, { formData }) => {
  if (!isPattern(data)) {
    field.addError('Choose a traffic pattern');
    return;
  }
  const { problems } = validateTrafficPattern(
    previewInput(patternTarget(formData), data),
  );
  for (const p of problems) {
    if (p.field.startsWith('pattern'))
      field.addError(`${p.field}: ${p.message}`);
  }
};
