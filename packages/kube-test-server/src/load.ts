/*
 * Turning manifests into objects to load. Text is read by the engine's
 * manifest reader (multi-document YAML or JSON, `kind: List` expanded, the
 * same size, alias and depth limits and one-line `file:line` errors as the
 * CLI); objects given directly have their `List` wrappers flattened here.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  checkManifestSize,
  decodeManifestBytes,
  parseManifestText,
} from '@meshportal/plugin-istio-common';

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
 * Parses YAML (or JSON) text with any number of documents. Throws an Error
 * whose message is one line naming `source` and the line.
 * @public
 */
export function parseManifests(text: string, source = '<text>'): any[] {
  return parseManifestText(text, source).objects;
}

/**
 * Reads and parses manifest files, each under the engine's size limit.
 * @public
 */
export function readManifests(...paths: string[]): any[] {
  return paths.flatMap(path => {
    checkManifestSize(path, statSync(path).size);
    return parseManifests(decodeManifestBytes(readFileSync(path), path), path);
  });
}
