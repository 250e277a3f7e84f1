/**
 * The checks every generator input goes through. Each check adds to a list
 * instead of throwing, so a form or an action can show every problem at once.
 */

/**
 * One thing wrong with a generator's input.
 * @public
 */
export interface InputProblem {
  /** Dotted path of the field, e.g. `pattern.steps[0][1].weight`. */
  field: string;
  message: string;
}

/** Longest string any generator accepts in a single field. @public */
export const MAX_FIELD_LENGTH = 4096;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes label values: up to 63 characters, alphanumeric at both ends.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// Envoy durations as Istio writes them: `250ms`, `2s`, `1m`, `1h`, `1.5s`.
const DURATION = /^(\d+(\.\d+)?)(ms|s|m|h)$/;

/**
 * Collects {@link InputProblem}s for one input.
 * @public
 */
export class ProblemList {
  readonly problems: InputProblem[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  /**
   * Checks a required string; returns it when it is usable so callers can
   * go on validating what depends on it.
   */
  string(field: string, value: unknown, required = true): string | undefined {
    if (value === undefined || value === null || value === '') {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(field, 'must be a string');
      return undefined;
    }
    if (value.length > MAX_FIELD_LENGTH) {
      this.add(
        field,
        `is ${value.length} characters long; at most ${MAX_FIELD_LENGTH} are accepted`,
      );
      return undefined;
    }
    return value;
  }

  /** A Kubernetes object name (RFC 1123 label): a namespace, service, subset. */
  dnsLabel(field: string, value: unknown, required = true): string | undefined {
    const text = this.string(field, value, required);
    if (text === undefined) return undefined;
    if (text.length > 63 || !DNS1123_LABEL.test(text)) {
      this.add(
        field,
        `"${preview(
          text,
        )}" is not a valid name: use at most 63 lower case letters, digits and "-", starting and ending with a letter or digit`,
      );
      return undefined;
    }
    return text;
  }

  /** A host name such as `shop.example.com`, optionally with a leading `*.`. */
  hostName(field: string, value: unknown): string | undefined {
    const text = this.string(field, value);
    if (text === undefined) return undefined;
    const bare = text.startsWith('*.') ? text.slice(2) : text;
    if (text.length > 253 || !DNS1123_SUBDOMAIN.test(bare)) {
      this.add(
        field,
        `"${preview(
          text,
        )}" is not a valid host name (lower case letters, digits, "-" and ".", optionally starting with "*.")`,
      );
      return undefined;
    }
    return text;
  }

  /** A Kubernetes label key and value. */
  label(field: string, key: string, value: unknown): void {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (
      key.length > MAX_FIELD_LENGTH ||
      name.length > 63 ||
      !LABEL_KEY_NAME.test(name) ||
      (slash >= 0 && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    ) {
      this.add(field, `"${preview(key)}" is not a valid label key`);
    }
    const text = this.string(`${field}.value`, value, false) ?? '';
    if (text.length > 63 || !LABEL_VALUE.test(text)) {
      this.add(field, `"${preview(text)}" is not a valid label value`);
    }
  }

  /** A duration such as `2s` or `250ms`. */
  duration(field: string, value: unknown, required = true): string | undefined {
    const text = this.string(field, value, required);
    if (text === undefined) return undefined;
    const match = DURATION.exec(text);
    if (!match || Number(match[1]) <= 0) {
      this.add(
        field,
        `"${preview(text)}" is not a duration like 2s, 250ms or 1m`,
      );
      return undefined;
    }
    return text;
  }

  /** A whole number within bounds. */
  integer(
    field: string,
    value: unknown,
    min: number,
    max: number,
    required = true,
  ): number | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(field, 'must be a whole number');
      return undefined;
    }
    if (value < min || value > max) {
      this.add(field, `must be between ${min} and ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** A percentage from 0 to 100 (decimals allowed, as Istio's `percentage.value`). */
  percentage(
    field: string,
    value: unknown,
    required = true,
  ): number | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(field, 'must be a number');
      return undefined;
    }
    if (value < 0 || value > 100) {
      this.add(field, `must be a percentage between 0 and 100, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** A TCP or UDP port number. */
  port(field: string, value: unknown, required = true): number | undefined {
    return this.integer(field, value, 1, 65535, required);
  }

  /** The input itself: an object, possibly empty. */
  input(value: unknown): Record<string, unknown> {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    this.add('input', 'must be an object');
    return {};
  }

  /**
   * A plain object (not an array). An object whose fields are all unset
   * counts as absent: a form section left empty asks for nothing.
   */
  record(
    field: string,
    value: unknown,
    required = false,
  ): Record<string, unknown> | undefined {
    if (isUnset(value)) {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(field, 'must be an object');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** An array; returns it when it is one. */
  list(field: string, value: unknown, required = false): unknown[] | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(field, 'must be a list');
      return undefined;
    }
    return value;
  }
}

function isUnset(value: unknown, depth = 0): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (typeof value !== 'object' || Array.isArray(value) || depth > 10)
    return false;
  return Object.values(value).every(v => isUnset(v, depth + 1));
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One line per problem, for error messages.
 * @public
 */
export function formatInputProblems(
  problems: ReadonlyArray<InputProblem>,
): string {
  return problems.map(p => `${p.field}: ${p.message}`).join('\n');
}
