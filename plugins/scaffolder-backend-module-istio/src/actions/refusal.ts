/**
 * Marks an expected refusal of a step. The scaffolder writes a failed
 * step's `error.stack` into the task log; for a refusal the person running
 * the template needs the message, not the frames of this module's code.
 */
export function refusal<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
