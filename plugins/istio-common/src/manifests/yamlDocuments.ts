import {
  CORE_SCHEMA,
  EventType,
  loadAll,
  LoadOptions,
  State,
  YAMLException,
} from 'js-yaml';
import {
  Document,
  isMap,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
} from 'yaml';
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH } from './manifestLimits';
import { firstLine, ManifestError, reasonOf } from './ManifestError';

/**
 * One YAML document: its value, the line its content starts on, and the
 * line of each element of its root mapping's `items` list (for `kind: List`).
 */
export interface YamlDocument {
  value: unknown;
  line: number;
  itemLines?: number[];
  /** Whether aliases may make the value deeper than its text. */
  aliased: boolean;
}

const ALIAS_LIMIT = `aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT})`;
const DEPTH_LIMIT = `nested deeper than ${MAX_NESTING_DEPTH} levels`;

/** A limit hit while parsing: final, unlike a syntax error. */
class LimitExceeded extends Error {
  constructor(readonly reason: string, readonly line: number) {
    super(reason);
  }
}

interface NodeFrame {
  /** 1-based line where the node starts (exact for list elements and roots). */
  line: number;
  /** Alias uses inside the node, each counted as often as it is expanded. */
  aliases: number;
  childLines?: number[];
}

/**
 * Follows js-yaml's node events to record positions and enforce the limits
 * while parsing, so a hostile document stops early and the values never
 * need a second walk. Nodes open and close in pairs, depth first.
 */
class DocumentListener {
  readonly documents: Array<Omit<YamlDocument, 'value'>> = [];
  private stack: NodeFrame[] = [];
  /** The lines of the elements of each list directly under the root. */
  private listLines = new Map<unknown, number[]>();
  private aliasesInside = new Map<unknown, number>();
  private aliasUses = 0;

  readonly listen = (event: EventType, state: State): void => {
    if (event === 'open') {
      // Children of a collection at the limit are one level deeper: a scalar
      // there is fine, anything deeper is refused before recursing into it.
      if (this.stack.length > MAX_NESTING_DEPTH) {
        throw new LimitExceeded(DEPTH_LIMIT, state.line + 1);
      }
      this.stack.push({ line: state.line + 1, aliases: 0 });
      return;
    }
    const frame = this.stack.pop()!;
    const { kind, result } = state;
    if (kind === 'mapping' || kind === 'sequence') {
      if (this.stack.length >= MAX_NESTING_DEPTH) {
        throw new LimitExceeded(DEPTH_LIMIT, frame.line);
      }
      if (frame.aliases) this.aliasesInside.set(result, frame.aliases);
    } else if (kind === null && result !== null && result !== undefined) {
      // An alias: js-yaml hands back the anchored value itself (shared, not
      // copied), so what it stands for is counted here instead.
      frame.aliases = 1 + (this.aliasesInside.get(result) ?? 0);
      this.aliasUses += frame.aliases;
      if (this.aliasUses > MAX_ALIAS_COUNT) {
        throw new LimitExceeded(ALIAS_LIMIT, frame.line);
      }
    }
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      const items = (result as { items?: unknown } | null)?.items;
      const lines = this.listLines.get(items);
      this.documents.push({
        line: frame.line,
        // Speculative parses (properties before a mapping) can add events:
        // lines are kept only when they match the elements one to one.
        itemLines:
          Array.isArray(items) && lines?.length === items.length
            ? lines
            : undefined,
        aliased: this.aliasUses > 0,
      });
      this.listLines = new Map();
      this.aliasesInside = new Map();
      this.aliasUses = 0;
      return;
    }
    parent.aliases += frame.aliases;
    if (this.stack.length === 2) {
      (parent.childLines ??= []).push(frame.line);
    } else if (this.stack.length === 1 && kind === 'sequence') {
      this.listLines.set(result, frame.childLines ?? []);
    }
  };
}

/** The fast reader: js-yaml with a listener for positions and limits. */
function fastDocuments(text: string): YamlDocument[] {
  const listener = new DocumentListener();
  const options: LoadOptions & { maxDepth: number } = {
    // Core schema: timestamps stay strings and `<<` is an ordinary key, as
    // in Kubernetes' own YAML handling.
    schema: CORE_SCHEMA,
    listener: listener.listen,
    // A backstop only: the listener refuses deep documents first.
    maxDepth: MAX_NESTING_DEPTH + 2,
  };
  const values = loadAll(text, null, options);
  return values.map((value, i) => ({ ...listener.documents[i], value }));
}

function nodeLine(node: unknown, counter: LineCounter, fallback: number) {
  const range = (node as YamlNode | undefined)?.range;
  return range ? counter.linePos(range[0]).line : fallback;
}

/**
 * The exact reader (the `yaml` package's Document API), about twenty times
 * slower: used only for text the fast reader rejects, so syntax errors get
 * its precise messages and anything it accepts is still read.
 */
function exactDocuments(text: string, file: string): YamlDocument[] {
  const counter = new LineCounter();
  const documents: Document[] = parseAllDocuments(text, {
    lineCounter: counter,
    prettyErrors: false,
  }) as unknown as Document[];
  const all = Array.isArray(documents) ? documents : [documents];
  for (const document of all) {
    const error = document.errors[0];
    if (error) {
      const line = counter.linePos(error.pos[0]).line;
      throw new ManifestError(file, firstLine(error.message), line);
    }
  }
  return all.map(document => {
    const contents = document.contents;
    const line = nodeLine(contents, counter, 1);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      let reason = reasonOf(e);
      if (!(e instanceof RangeError) && /alias/i.test(reason)) {
        reason = ALIAS_LIMIT;
      }
      throw new ManifestError(file, reason, line);
    }
    const items = isMap(contents) ? contents.get('items', true) : undefined;
    const itemLines = isSeq(items)
      ? items.items.map(item => nodeLine(item, counter, line))
      : undefined;
    return { value, line, itemLines, aliased: true };
  });
}

/**
 * Every document of a YAML text with its line, limits enforced. Throws a
 * {@link ManifestError} naming `file` and the line.
 */
export function yamlDocuments(text: string, file: string): YamlDocument[] {
  try {
    return fastDocuments(text);
  } catch (e) {
    if (e instanceof LimitExceeded) {
      throw new ManifestError(file, e.reason, e.line);
    }
    if (!(e instanceof YAMLException)) throw e;
  }
  return exactDocuments(text, file);
}
