/**
 * Duplicate column names executed on real PostgreSQL and libSQL: result keys follow the names
 * the default label style renders (`id`, `id_1` for another column, `id__1` for the same column
 * repeated), rows hold every selected column in order, and a table column (or the ORM attribute
 * standing for it) addresses its own value through `row._mapping.get()`, `result.columns()` and
 * `result.scalars()` (SQLAlchemy's `row._mapping[table.c.id]`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, NoSuchColumnError, ForeignKey, InvalidRequestError, Integer, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, Table,
  createAsyncEngine, insert, select, type AsyncEngine, type ClauseElement, type RowMapping,
} from "../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../fixtures/databases.js";
import { defineQueryModels, openQueryDb, type QueryDb } from "../orm/query/models.js";

const md = new MetaData();
const parents = Table(uniqueName("a_dup_parent"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(String(20), { nullable: false }),
});
const children = Table(uniqueName("a_dup_child"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  parentId: Column(ForeignKey(parents.c.id), { name: "parent_id", nullable: false }),
  name: Column(String(20), { nullable: false }),
});
const p = parents.c;
const c = children.c;
const P = parents.name;
const C = children.name;

/** A row's mapping without its static key type: the `_1` names are runtime-only. */
const loose = (r: { readonly _mapping: unknown }) => r._mapping as RowMapping;

const byParent = () => select(p.id, c.id, p.name, c.name).where(p.id.eq(c.parentId)).orderBy(c.id);
const EXPECTED_ROWS = [
  [1, 10, "ann", "x"],
  [1, 11, "ann", "y"],
  [2, 20, "bob", "z"],
];

describe.each(dialectTargets())("duplicate column names on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  const ph = (n: number) => (target.dialect === "postgresql" ? `$${n}` : "?");
  const run = async <S extends ClauseElement>(stmt: S) => {
    await using conn = await engine.connect();
    return conn.execute(stmt);
  };

  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(parents).values([{ id: 1, name: "ann" }, { id: 2, name: "bob" }]));
      await conn.execute(insert(children).values([{ id: 10, parentId: 1, name: "x" }, { id: 11, parentId: 1, name: "y" }, { id: 20, parentId: 2, name: "z" }]));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("renders and keys a second column of a name as <name>_1; rows keep every column in order", async () => {
    counting.reset();
    const res = await run(byParent());
    expect(counting.statements).toEqual([
      `SELECT ${P}.id, ${C}.id AS id_1, ${P}.name, ${C}.name AS name_1 \nFROM ${P}, ${C} \nWHERE ${P}.id = ${C}.parent_id ORDER BY ${C}.id`,
    ]);
    expect(res.keys()).toEqual(["id", "id_1", "name", "name_1"]);
    const rows = res.all();
    expect(rows.map((r) => [...r])).toEqual(EXPECTED_ROWS);
    expect(rows.map((r) => [r.id, loose(r).id_1, r.name, loose(r).name_1])).toEqual(EXPECTED_ROWS);
  });

  it("row._mapping.get(column) tells the two same-named columns apart", async () => {
    const rows = (await run(byParent())).all();
    expect(rows.map((r) => [r._mapping.get(p.id), r._mapping.get(c.id), r._mapping.get(p.name), r._mapping.get(c.name)])).toEqual(EXPECTED_ROWS);
    // By key as well; the typed overload gives the column's JS type.
    const first: number = rows[0]._mapping.get(c.id);
    expect(first).toBe(10);
    expect(loose(rows[0]).get("id_1")).toBe(10);
  });

  it("result.columns() and scalars() take the column objects", async () => {
    const res = await run(byParent());
    expect((await run(byParent())).scalars(c.id).all()).toEqual([10, 11, 20]);
    const projected = res.columns(c.name, p.id);
    expect(projected.keys()).toEqual(["name_1", "id"]);
    const rows = projected.all();
    expect(rows.map((r) => [...r])).toEqual([["x", 1], ["y", 1], ["z", 2]]);
    // The projection still answers for its columns by object.
    expect(rows.map((r) => r._mapping.get(p.id))).toEqual([1, 1, 2]);
  });

  it("streams (AsyncResult) with the same keys and object lookups", async () => {
    await using conn = await engine.connect();
    const stream = await conn.stream(byParent());
    expect(stream.keys()).toEqual(["id", "id_1", "name", "name_1"]);
    expect(await stream.scalars(c.id).all()).toEqual([10, 11, 20]);
  });

  it("the same column repeated is keyed <name>__1 and addressed by object at its first position", async () => {
    counting.reset();
    const res = await run(select(p.id, p.name, p.id).orderBy(p.id));
    expect(counting.statements).toEqual([`SELECT ${P}.id, ${P}.name, ${P}.id AS id__1 \nFROM ${P} ORDER BY ${P}.id`]);
    expect(res.keys()).toEqual(["id", "name", "id__1"]);
    const rows = res.all();
    expect(rows.map((r) => [...r])).toEqual([[1, "ann", 1], [2, "bob", 2]]);
    expect(rows.map((r) => r._mapping.get(p.id))).toEqual([1, 2]);
  });

  it("select(parent, child) labels only the overlapping names", async () => {
    const res = await run(select(parents, children).where(p.id.eq(c.parentId)).orderBy(c.id));
    // SQLAlchemy keys a column by its SQL name (parent_id); its key (parentId) is a second name.
    expect(res.keys()).toEqual(["id", "name", "id_1", "parent_id", "name_1"]);
    expect(res.all().map((r) => [...r])).toEqual([
      [1, "ann", 10, 1, "x"],
      [1, "ann", 11, 1, "y"],
      [2, "bob", 20, 2, "z"],
    ]);
  });

  it("a WHERE bind after a disambiguating label is numbered after it (:id_2)", async () => {
    counting.reset();
    const rows = (await run(select(p.id, c.id).where(p.id.eq(c.parentId), c.id.gt(10)).orderBy(c.id))).all();
    expect(counting.statements[0]).toBe(`SELECT ${P}.id, ${C}.id AS id_1 \nFROM ${P}, ${C} \nWHERE ${P}.id = ${C}.parent_id AND ${C}.id > ${ph(1)} ORDER BY ${C}.id`);
    expect(rows.map((r) => [...r])).toEqual([[1, 11], [2, 20]]);
  });

  it("explicit labels keep their names; a duplicated label is ambiguous by name but not by position", async () => {
    const res = await run(select(p.name.label("n"), c.name.label("n")).where(p.id.eq(c.parentId)).orderBy(c.id));
    expect(res.keys()).toEqual(["n", "n"]);
    const rows = res.all();
    expect(rows.map((r) => [r[0], r[1]])).toEqual([["ann", "x"], ["ann", "y"], ["bob", "z"]]);
    expect(() => loose(rows[0]).n).toThrow(InvalidRequestError);
    expect(() => loose(rows[0]).get("n")).toThrow(/Ambiguous column name 'n'/);
  });

  it("LABEL_STYLE_NONE renders no labels: names repeat, objects still address each column", async () => {
    counting.reset();
    const res = await run(select(p.id, c.id).where(p.id.eq(c.parentId)).orderBy(c.id).setLabelStyle(LABEL_STYLE_NONE));
    expect(counting.statements[0]).toBe(`SELECT ${P}.id, ${C}.id \nFROM ${P}, ${C} \nWHERE ${P}.id = ${C}.parent_id ORDER BY ${C}.id`);
    expect(res.keys()).toEqual(["id", "id"]);
    const rows = res.all();
    expect(() => rows[0].id).toThrow(InvalidRequestError);
    expect(rows.map((r) => [r._mapping.get(p.id), r._mapping.get(c.id)])).toEqual([[1, 10], [1, 11], [2, 20]]);
  });

  it("LABEL_STYLE_TABLENAME_PLUS_COL keys rows <table>_<column>", async () => {
    const res = await run(select(p.id, c.id).where(p.id.eq(c.parentId)).orderBy(c.id).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL));
    expect(res.keys()).toEqual([`${P}_id`, `${C}_id`]);
    expect(res.all().map((r) => [r._mapping.get(p.id), r._mapping.get(c.id)])).toEqual([[1, 10], [1, 11], [2, 20]]);
  });

  it("a statement built again (served from the compiled cache) answers for the same column objects", async () => {
    await run(byParent());
    counting.reset();
    const rows = (await run(byParent())).all();
    expect(counting.statements).toHaveLength(1);
    expect(rows.map((r) => r._mapping.get(c.id))).toEqual([10, 11, 20]);
  });

  it("objects that do not address a column raise NoSuchColumnError naming them", async () => {
    const rows = (await run(byParent())).all();
    expect(() => rows[0]._mapping.get(children.c.parentId)).toThrow(NoSuchColumnError);
    expect(() => rows[0]._mapping.get(children.c.parentId)).toThrow(/parent_id/);
    // An alias's columns and labels address their column, as SQLAlchemy's result map targets.
    const pa = parents.alias("pa");
    const aliased = (await run(select(pa.c.id, p.id).where(pa.c.id.eq(p.id)).orderBy(p.id))).all();
    expect(aliased.map((r) => [...r])).toEqual([[1, 1], [2, 2]]);
    expect(aliased.map((r) => r._mapping.get(pa.c.id))).toEqual([1, 2]);
    expect(aliased.map((r) => [loose(r).get("id"), loose(r).get("id_1"), r._mapping.get(p.id)])).toEqual([[1, 1, 1], [2, 2, 2]]);
    const lbl = p.id.label("pid");
    const labelled = (await run(select(lbl).orderBy(p.id))).all();
    expect(labelled.map((r) => r._mapping.get(lbl))).toEqual([1, 2]);
  });
});

describe.each(dialectTargets())("ORM select(User.id, Address.id) on $name", (target) => {
  const M = defineQueryModels("a_dup_orm");
  const { t, User, Address } = M;
  let db: QueryDb;
  beforeAll(async () => {
    db = await openQueryDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy" }, { id: 2, name: "patrick" }]);
      await conn.execute(insert(Address.__table__), [{ id: 7, email: "s@x", userId: 1 }, { id: 8, email: "p@x", userId: 2 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("goes through the same labelling: the second id renders AS id_1 and rows hold both ids", async () => {
    const s = db.session();
    db.counting.reset();
    const res = await s.execute(select(User.id, Address.id).join(User.addresses).orderBy(Address.id));
    const U = t("users");
    const A = t("addresses");
    expect(db.selects()).toEqual([`SELECT ${U}.id, ${A}.id AS id_1 \nFROM ${U} JOIN ${A} ON ${U}.id = ${A}.user_id ORDER BY ${A}.id`]);
    expect(res.all().map((r) => [...(r as Iterable<unknown>)])).toEqual([[1, 7], [2, 8]]);
  });
});
