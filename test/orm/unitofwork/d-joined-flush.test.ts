/**
 * Unit-of-work INSERTs for joined-table inheritance: one multi-row INSERT … RETURNING per table
 * and mapper, base table first, each subclass row carrying its base row's key; server-generated
 * values of every table land in the right object. A driver wrapper that reverses the RETURNING
 * rows of chosen tables (SQL does not promise VALUES order) proves rows are matched to objects by
 * primary key wherever the key was sent. Real PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, delete as delete_, Integer, mappedColumn, select, String, text, type AsyncEngine,
} from "../../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { RANDOM_INTEGER_DEFAULT, reversingDriver } from "../../fixtures/reversing-driver.js";

describe.each(dialectTargets())("joined-table inheritance flush on $name", (target) => {
  const dialect = target.name === "postgresql" ? "postgresql" : "sqlite";
  const p = uniqueName("d_jflush");
  const t = (n: string) => `${p}_${n}`;
  class Base extends DeclarativeBase {}
  class Employee extends Base.model(t("employee"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    type: mappedColumn(String(20)),
    code: mappedColumn(Integer, { serverDefault: text(RANDOM_INTEGER_DEFAULT[dialect]) }),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
  class Engineer extends Employee.subclass({
    engineerInfo: mappedColumn(String(50), { name: "engineer_info" }),
    level: mappedColumn(Integer, { serverDefault: text(RANDOM_INTEGER_DEFAULT[dialect]) }),
  }, { table: t("engineer"), polymorphicIdentity: "engineer" }) {}
  class Manager extends Employee.subclass({
    managerData: mappedColumn(String(50), { name: "manager_data" }),
  }, { table: t("manager"), polymorphicIdentity: "manager" }) {}
  void [Engineer.id, Manager.id];

  let counting: CountingDriver;
  let engine: AsyncEngine;
  let reversed: AsyncEngine;
  let reversedTables: string[] = [];
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    reversed = createAsyncEngine(reversingDriver(counting, (sql) => reversedTables.some((tb) => sql.startsWith(`INSERT INTO ${tb} `))));
    cleanup = d.cleanup;
    await engine.begin(async (conn) => {
      await Base.metadata.dropAll(conn);
      await Base.metadata.createAll(conn);
    });
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await conn.execute(delete_(tb as never));
    });
    counting.reset();
  });
  afterAll(async () => {
    await engine.begin(async (conn) => Base.metadata.dropAll(conn));
    await engine.dispose();
    await reversed.dispose();
    await cleanup();
  });

  const dbRows = async (): Promise<Map<number, { code: number; level: number | null; info: string | null }>> =>
    engine.connect(async (conn) => {
      const res = await conn.execute(
        text(`SELECT e.id, e.code, g.level, g.engineer_info FROM ${t("employee")} e LEFT OUTER JOIN ${t("engineer")} g ON g.id = e.id`),
      );
      return new Map(res.all().map((r) => {
        const [id, code, level, info] = r._tuple() as [number, number, number | null, string | null];
        return [Number(id), { code: Number(code), level: level === null ? null : Number(level), info }];
      }));
    });

  it("database-generated keys: one INSERT per table and mapper, base first; subclass RETURNING matched by key", async () => {
    reversedTables = [t("engineer")];
    await using s = new AsyncSession(reversed, { expireOnCommit: false });
    const engs = [1, 2, 3, 4].map((i) => new Engineer({ name: `e${i}`, engineerInfo: `info${i}` }));
    const mgrs = [1, 2].map((i) => new Manager({ name: `m${i}`, managerData: `data${i}` }));
    s.addAll([...engs, ...mgrs]);
    counting.reset();
    await s.commit();
    const inserts = counting.statements.filter((x) => /^INSERT/.test(x)).map((x) => x.match(/^INSERT INTO (\S+)/)![1]);
    expect(inserts).toEqual([t("employee"), t("engineer"), t("employee"), t("manager")]);
    const sub = counting.statements.find((x) => x.startsWith(`INSERT INTO ${t("engineer")}`))!;
    expect(sub).toMatch(/RETURNING \S+\.level, \S+\.id$/);
    const rows = await dbRows();
    for (const e of engs) {
      expect(rows.get(e.id)).toEqual({ code: e.code, level: e.level, info: e.engineerInfo });
    }
    for (const m of mgrs) expect(rows.get(m.id)!.code).toBe(m.code);
    expect(new Set([...engs, ...mgrs].map((x) => x.id)).size).toBe(6);
    expect(engs.every((e) => e.type === "engineer")).toBe(true);
  });

  it("client-given keys: base and subclass RETURNING rows are both matched by key", async () => {
    reversedTables = [t("employee"), t("engineer")];
    await using s = new AsyncSession(reversed, { expireOnCommit: false });
    const engs = [11, 12, 13].map((id) => new Engineer({ id, name: `e${id}`, engineerInfo: `info${id}` }));
    s.addAll(engs);
    counting.reset();
    await s.commit();
    const base = counting.statements.find((x) => x.startsWith(`INSERT INTO ${t("employee")}`))!;
    expect(base).toMatch(/RETURNING \S+\.code, \S+\.id$/);
    const rows = await dbRows();
    for (const e of engs) expect(rows.get(e.id)).toEqual({ code: e.code, level: e.level, info: e.engineerInfo });
    // Loaded back as Engineers with the same values.
    await using s2 = new AsyncSession(engine);
    const loaded = (await s2.scalars(select(Employee).orderBy(Employee.id))).all();
    expect(loaded.map((x) => [x.constructor, x.id, x.code])).toEqual(engs.map((e) => [Engineer, e.id, e.code]));
  });
});
