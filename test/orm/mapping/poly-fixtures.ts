/**
 * SQLAlchemy's test/orm/inheritance/_poly_fixtures.py for the polymorphic suites: companies →
 * people, joined-table Engineer / Manager → Boss, machines and paperwork, with
 * SQLAlchemy's insert_data. Each call builds a fresh DeclarativeBase with table names unique to
 * the calling file; {@link usePolyData} creates the tables and rows around a describe block.
 */
import { afterAll, beforeAll, expect } from "vitest";
import {
  AsyncSession, configureModel, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String,
  type AsyncEngine,
} from "athanor";
// Named so the inferred model class types can be emitted (TS4058).
import type { DISPATCH } from "../../../src/engine/events.js";
import type { STATE } from "../../../src/orm/state.js";
import { uniqueName, type DialectTarget, type TestDriver } from "../../fixtures/databases.js";

export type { DISPATCH, STATE };

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function definePolyModels(prefix: string) {
  const P = uniqueName(prefix);
  const t = (n: string): string => `${P}_${n}`;

  class Base extends DeclarativeBase {}
  class Company extends Base.model(t("companies"), {
    companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }),
    name: mappedColumn(String(50), { nullable: true }),
  }) {
    static employees = relationship(() => Person, { orderBy: () => Person.personId });
    declare employees: Person[];
  }
  class Person extends Base.model(t("people"), {
    personId: mappedColumn(Integer, { primaryKey: true, name: "person_id" }),
    companyId: mappedColumn(ForeignKey(`${t("companies")}.company_id`), { name: "company_id", nullable: true }),
    name: mappedColumn(String(50), { nullable: true }),
    type: mappedColumn(String(30), { nullable: true }),
  }, { polymorphicOn: "type", polymorphicIdentity: "person" }) {
    static paperwork = relationship(() => Paperwork, { orderBy: () => Paperwork.paperworkId });
    declare paperwork: Paperwork[];
  }
  class Engineer extends Person.subclass({
    personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { primaryKey: true, name: "person_id" }),
    status: mappedColumn(String(30), { nullable: true }),
    engineerName: mappedColumn(String(50), { name: "engineer_name", nullable: true }),
    primaryLanguage: mappedColumn(String(50), { name: "primary_language", nullable: true }),
  }, { table: t("engineers"), polymorphicIdentity: "engineer" }) {
    static machines = relationship(() => Machine, { orderBy: () => Machine.machineId });
    declare machines: Machine[];
  }
  class Manager extends Person.subclass({
    personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { primaryKey: true, name: "person_id" }),
    status: mappedColumn(String(30), { nullable: true }),
    managerName: mappedColumn(String(50), { name: "manager_name", nullable: true }),
  }, { table: t("managers"), polymorphicIdentity: "manager" }) {}
  class Boss extends Manager.subclass({
    personId: mappedColumn(ForeignKey(`${t("managers")}.person_id`), { primaryKey: true, name: "boss_id" }),
    golfSwing: mappedColumn(String(30), { name: "golf_swing", nullable: true }),
  }, { table: t("boss"), polymorphicIdentity: "boss" }) {}
  class Machine extends Base.model(t("machines"), {
    machineId: mappedColumn(Integer, { primaryKey: true, name: "machine_id" }),
    name: mappedColumn(String(50), { nullable: true }),
    engineerId: mappedColumn(ForeignKey(`${t("engineers")}.person_id`), { name: "engineer_id", nullable: true }),
  }) {}
  class Paperwork extends Base.model(t("paperwork"), {
    paperworkId: mappedColumn(Integer, { primaryKey: true, name: "paperwork_id" }),
    description: mappedColumn(String(50), { nullable: true }),
    personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { name: "person_id", nullable: true }),
  }) {}
  for (const cls of [Engineer, Manager, Boss]) configureModel(cls);
  return { P, Base, Company, Person, Engineer, Manager, Boss, Machine, Paperwork };
}

export type PolyModels = ReturnType<typeof definePolyModels>;

/** Primary keys of the fixture's rows. */
export type PolyIds = { e1: number; e2: number; e3: number; b1: number; m1: number; c1: number; c2: number };

/** The database of one describe block: its engine (set in beforeAll) and the fixture's ids. */
export interface PolyDb {
  readonly engine: AsyncEngine;
  readonly ids: PolyIds;
  session(): AsyncSession;
}

/**
 * Register beforeAll/afterAll hooks that create the tables on `target`, insert SQLAlchemy's
 * insert_data (person ids ascending in the fixture's order) and drop everything afterwards.
 */
export function usePolyData(target: DialectTarget, m: PolyModels): PolyDb {
  let d: TestDriver;
  let engine: AsyncEngine | undefined;
  const ids = {} as PolyIds;
  const db: PolyDb = {
    get engine(): AsyncEngine {
      if (engine === undefined) throw new Error("usePolyData: the engine exists only inside the describe block's tests");
      return engine;
    },
    ids,
    session: () => new AsyncSession(db.engine),
  };
  beforeAll(async () => {
    d = await target.make();
    const e = (engine = createAsyncEngine(d.driver));
    await e.begin(async (c) => {
      await m.Base.metadata.dropAll(c);
      await m.Base.metadata.createAll(c);
    });
    await using s = new AsyncSession(e, { expireOnCommit: false });
    const paper = (...ds: string[]) => ds.map((description) => new m.Paperwork({ description }));
    const machines = (...ns: string[]) => ns.map((name) => new m.Machine({ name }));
    const e1 = new m.Engineer({ name: "dilbert", engineerName: "dilbert", primaryLanguage: "java", status: "regular engineer" });
    e1.paperwork = paper("tps report #1", "tps report #2");
    e1.machines = machines("IBM ThinkPad", "IPhone");
    const e2 = new m.Engineer({ name: "wally", engineerName: "wally", primaryLanguage: "c++", status: "regular engineer" });
    e2.paperwork = paper("tps report #3", "tps report #4");
    e2.machines = machines("Commodore 64");
    const b1 = new m.Boss({ name: "pointy haired boss", golfSwing: "fore", managerName: "pointy", status: "da boss" });
    b1.paperwork = paper("review #1");
    const m1 = new m.Manager({ name: "dogbert", managerName: "dogbert", status: "regular manager" });
    m1.paperwork = paper("review #2", "review #3");
    const e3 = new m.Engineer({ name: "vlad", engineerName: "vlad", primaryLanguage: "cobol", status: "elbonian engineer" });
    e3.paperwork = paper("elbonian missive #3");
    e3.machines = machines("Commodore 64", "IBM 3270");
    const c1 = new m.Company({ name: "MegaCorp, Inc." });
    c1.employees = [e1, e2, b1, m1];
    const c2 = new m.Company({ name: "Elbonia, Inc." });
    c2.employees = [e3];
    // One at a time: person ids ascend in the fixture's order.
    for (const p of [e1, e2, b1, m1, e3]) {
      s.add(p);
      await s.flush();
    }
    s.addAll([c1, c2]);
    await s.commit();
    Object.assign(ids, { e1: e1.personId, e2: e2.personId, e3: e3.personId, b1: b1.personId, m1: m1.personId, c1: c1.companyId, c2: c2.companyId });
  });
  afterAll(async () => {
    await engine?.begin((c) => m.Base.metadata.dropAll(c));
    await engine?.dispose();
    await d?.cleanup();
  });
  return db;
}

/** SQLAlchemy's ComparableEntity check: exactly class `cls`, with the given attribute values. */
export function like<C extends abstract new (...args: never[]) => object>(obj: unknown, cls: C, attrs: Partial<Record<keyof InstanceType<C>, unknown>>): void {
  expect(obj).toBeInstanceOf(cls);
  expect((obj as object).constructor).toBe(cls);
  for (const [k, v] of Object.entries(attrs)) expect((obj as Record<string, unknown>)[k]).toEqual(v);
}
