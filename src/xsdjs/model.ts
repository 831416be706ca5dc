import type { SimpleDef } from './simple.js';

/**
 * The compiled form of a schema set: plain data only (arrays, objects, strings, numbers), so
 * it survives structured clone (worker threads get it through workerData) and JSON. The
 * validator links it into Maps and checker closures on first use (validate.ts).
 *
 * Types and element declarations refer to each other by index into `types` / `elements`.
 */

export type { Facets, SimpleDef } from './simple.js';

export class XsdJsUnsupported extends Error {
  override readonly name = 'XsdJsUnsupported';
}

/** Namespace constraint of a wildcard. '' stands for "no namespace". */
export type NsConstraint = { mode: 'any' } | { mode: 'not'; ns: string[] } | { mode: 'list'; ns: string[] };

export interface WildcardData {
  ns: NsConstraint;
  process: 'skip' | 'lax' | 'strict';
}

export interface EdgeData {
  ns: string;
  local: string;
  /** index into CompiledSchema.elements */
  elem: number;
  /** target state */
  to: number;
}

export interface WildEdgeData {
  wc: WildcardData;
  to: number;
}

export interface StateData {
  final: boolean;
  edges: EdgeData[];
  wild: WildEdgeData[];
}

export interface AttrUseData {
  ns: string;
  local: string;
  /** index of a simple type in CompiledSchema.types */
  type: number;
  required: boolean;
  fixed?: string;
}

export interface ComplexTypeData {
  kind: 'complex';
  /** Clark name {ns}local, absent for anonymous types */
  name?: string;
  abstract: boolean;
  /** base type index (anyType has none) */
  base?: number;
  derivation?: 'extension' | 'restriction';
  /** empty: no children, no text; element: children, white space only; mixed: children and text */
  content: 'empty' | 'element' | 'mixed';
  /** Glushkov automaton of the content model, state 0 initial (deterministic by UPA) */
  states: StateData[];
  attrs: AttrUseData[];
  /** Clark names of attributes a restriction prohibits (never accepted, even by a wildcard) */
  prohibited?: string[];
  anyAttr?: WildcardData;
}

export interface SimpleTypeData {
  kind: 'simple';
  name?: string;
  def: SimpleDef;
}

export type TypeData = ComplexTypeData | SimpleTypeData;

export interface ElementData {
  ns: string;
  local: string;
  type: number;
  nillable: boolean;
  fixed?: string;
  default?: string;
}

export interface CompiledSchema {
  format: 'hutong-xsdjs/1';
  /** the entry file (absolute) */
  entry: string;
  /** types[0] is xs:anyType */
  types: TypeData[];
  elements: ElementData[];
  /** Clark name → element index, global declarations */
  globals: Record<string, number>;
  /** Clark name → type index, named types (for xsi:type) */
  typeNames: Record<string, number>;
  /** Clark name → simple type index of global attribute declarations (lax wildcards check these) */
  globalAttrs: Record<string, number>;
  /** fixed values of global attribute declarations that have one */
  globalAttrFixed: Record<string, string>;
}

export const XS = 'http://www.w3.org/2001/XMLSchema';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export function clark(ns: string, local: string): string {
  return ns === '' ? local : `{${ns}}${local}`;
}
