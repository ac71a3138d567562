/**
 * Per-instance ORM bookkeeping (SQLAlchemy's `InstanceState`): attribute values, what is loaded,
 * the committed snapshot used to find changes, identity key and session membership.
 * @module
 */
import type { Mapper } from "./mapper.js";

/** Where an object is in its life cycle (SQLAlchemy's object states). */
export type ObjectStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

/** Symbol under which each mapped instance keeps its {@link InstanceState}. */
export const STATE: unique symbol = Symbol.for("athanor.state");

/** The ORM state of one mapped instance. */
export class InstanceState {
  /** Current attribute values by key; a key absent here is not loaded. */
  dict: Record<string, unknown> = Object.create(null);
  /** Values as last loaded from or flushed to the database, for change detection. */
  committed: Record<string, unknown> = Object.create(null);
  /** Collections as last loaded/flushed (shallow copies), to diff adds and removes. */
  committedCollections: Map<string, readonly object[]> = new Map();
  /** Attribute keys whose loader was set to raise/noload by an option for this load. */
  raiseKeys: Set<string> | undefined;
  status: ObjectStatus = "transient";
  /** Identity key once persistent. */
  key: string | undefined;
  /** The owning session's id. */
  sessionId: number | undefined;
  /** Keys whose values were expired (must be refreshed explicitly before reading). */
  expired: Set<string> | undefined;
  /** Marked deleted by session.delete(), not yet flushed. */
  markedDeleted = false;
  constructor(readonly obj: object, readonly mapper: Mapper) {}
  /** Whether the attribute has a value loaded. */
  isLoaded(key: string): boolean {
    return key in this.dict;
  }
  /** Column attributes whose current value differs from the committed one. */
  changedColumnKeys(): string[] {
    const out: string[] = [];
    for (const p of this.mapper.columnProps) {
      const k = p.key;
      if (!(k in this.dict)) continue;
      if (!(k in this.committed) || !sameValue(this.dict[k], this.committed[k])) out.push(k);
    }
    return out;
  }
  /** Record the current values as committed. */
  commitAll(): void {
    this.committed = Object.assign(Object.create(null), this.dict);
    for (const rel of this.mapper.relationships.values()) {
      if (!rel.uselist) continue;
      const v = this.dict[rel.key];
      if (Array.isArray(v)) this.committedCollections.set(rel.key, [...v]);
    }
    for (const [k, v] of Object.entries(this.committed)) if (Array.isArray(v) && this.mapper.relationships.has(k)) this.committed[k] = [...v];
  }
}

/** Value equality for change detection: dates by time, bytes by content, JSON by structure. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  }
  return false;
}

/** The state of a mapped instance, or undefined for anything else. */
export function stateOf(obj: unknown): InstanceState | undefined {
  return typeof obj === "object" && obj !== null ? (obj as { [STATE]?: InstanceState })[STATE] : undefined;
}
