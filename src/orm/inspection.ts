/**
 * `inspect()`: SQLAlchemy's runtime inspection API for the ORM. A mapped instance gives its
 * {@link InstanceState}, a mapped class its {@link Mapper}, an `aliased()` entity an
 * {@link AliasedInsp}; anything else raises {@link NoInspectionAvailable}.
 * @module
 */
import { NoInspectionAvailable } from "../errors.js";
import type { Alias } from "../sql/selectable.js";
import type { AliasedClass } from "./aliased.js";
import { Mapper, mapperOf, type MappedClass } from "./mapper.js";
import { InstanceState, stateOf } from "./state.js";
import { AsyncEngine } from "../engine/engine.js";
import { AsyncConnection } from "../engine/connection.js";
import { AsyncInspector } from "../engine/reflection/inspector.js";

/** What `inspect(aliased(User))` returns (SQLAlchemy's `AliasedInsp`). */
export class AliasedInsp<T = unknown> {
  readonly isAliasedClass = true;
  /** @internal */
  constructor(readonly entity: AliasedClass<T>) {}
  /** The mapper of the aliased class. */
  get mapper(): Mapper {
    return this.entity.mapper;
  }
  /** The mapped class that was aliased. */
  get class_(): MappedClass {
    return this.entity.mapper.class_;
  }
  /** The alias of the mapped table the entity selects from. */
  get selectable(): Alias {
    return this.entity.alias;
  }
  /** The alias name, or undefined for an anonymous alias (rendered `<table>_1`). */
  get name(): string | undefined {
    return this.entity.alias.name;
  }
}

/**
 * A schema inspector over an engine or connection (SQLAlchemy's `inspect(engine)`): an
 * {@link AsyncInspector}, whose methods run their catalog queries when awaited.
 */
export function inspect(subject: AsyncEngine | AsyncConnection): AsyncInspector;
/** The state of a mapped instance: `inspect(user).persistent`, `.identity`, `.unloaded`… */
export function inspect(subject: InstanceState): InstanceState;
/** The mapper of a mapped class: `inspect(User).columns`, `.primaryKey`, `.relationships`, `.attrs`. */
export function inspect(subject: Mapper): Mapper;
/** The inspection of an `aliased()` entity. */
export function inspect<T>(subject: AliasedClass<T>): AliasedInsp<T>;
export function inspect(subject: MappedClass): Mapper;
export function inspect(subject: object): InstanceState;
/**
 * SQLAlchemy's `inspect()` for ORM objects: a mapped instance gives its {@link InstanceState}
 * (life-cycle flags `transient` / `pending` / `persistent` / `deleted` / `detached` /
 * `wasDeleted`, `identity`, `identityKey`, `hasIdentity`, `modified`, `unloaded`,
 * `expiredAttributes`, `object`, `mapper`, `session` / `asyncSession`, and `attrs` with each
 * attribute's `value`, `loadedValue` and `history`); a mapped class its {@link Mapper}; an `aliased()` entity an
 * {@link AliasedInsp}; a Mapper or InstanceState itself; an engine or connection an {@link AsyncInspector}.
 * @throws NoInspectionAvailable for anything else (unmapped classes and objects, primitives).
 */
export function inspect(subject: unknown): InstanceState | Mapper | AliasedInsp | AsyncInspector {
  if (subject instanceof Mapper || subject instanceof InstanceState) return subject;
  if (subject instanceof AsyncEngine || subject instanceof AsyncConnection) return new AsyncInspector(subject);
  // A brand, not instanceof: apps that never alias leave AliasedClass out of their bundle.
  if ((subject as { _isAliasedClass?: true } | null)?._isAliasedClass === true) return new AliasedInsp(subject as AliasedClass);
  if (typeof subject === "function") {
    const m = mapperOf(subject);
    if (m) return m;
  } else {
    const st = stateOf(subject);
    if (st) return st;
  }
  throw new NoInspectionAvailable(`No inspection system is available for ${describe(subject)}; inspect() takes a mapped class, a mapped instance, an aliased() entity, an engine or a connection`);
}

function describe(x: unknown): string {
  if (typeof x === "function") return `class ${(x as { name?: string }).name || "<anonymous>"}`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") return `object of type ${(x as object).constructor?.name ?? "Object"}`;
  return `${typeof x} ${JSON.stringify(x) ?? String(x)}`;
}
