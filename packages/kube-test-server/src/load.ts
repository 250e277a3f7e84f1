/*
 * Turning YAML manifests into objects to load: multi-document files and
 * `kind: List` (or `XList`) wrappers are flattened.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Flattens `List` objects into their items; drops empty documents. */
export function flattenObjects(docs: unknown[]): any[] {
  const out: any[] = [];
  for (const d of docs) {
    if (!d || typeof d !== 'object') continue;
    const obj = d as any;
    if (Array.isArray(obj.items) && /List$/.test(obj.kind ?? '')) {
      out.push(...flattenObjects(obj.items));
    } else {
      out.push(obj);
    }
  }
  return out;
}

/**
 * Parses YAML (or JSON) text with any number of documents.
 * @public
 */
export function parseManifests(text: string): any[] {
  const docs = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new Error(`invalid YAML: ${doc.errors[0].message}`);
    }
    values.push(doc.toJS());
  }
  return flattenObjects(values);
}

/**
 * Reads and parses YAML manifest files.
 * @public
 */
export function readManifests(...paths: string[]): any[] {
  return paths.flatMap(p => parseManifests(readFileSync(p, 'utf8')));
}
