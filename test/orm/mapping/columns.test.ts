/**
 * mappedColumn (issue 3, §1 "Mapping"): nullability from the declaration (NOT NULL unless
 * `nullable: true`), default, serverDefault, onupdate, sortOrder, a column name that differs
 * from the attribute key, `mappedColumn(ForeignKey(...))`, and typed construction with defaults
 * and defaultFactory (SQLAlchemy 2.0's `mapped_column`, dataclass-style `default_factory`).
 * On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, AsyncSession, createAsyncEngine, CreateTable, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select,
  String, type AsyncEngine,
} from "../../../src/index.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver, type TestDriver } from "../../fixtures/databases.js";

const p = uniqueName("map_col");
const t = (n: string) => `${p}_${n}`;
class Base extends DeclarativeBase {}

let tick = 0;
class Doc extends Base.model(t("doc"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(String(40), { name: "doc_title", sortOrder: 2 }),
  status: mappedColumn(String(10), { default: "draft" }),
  tags: mappedColumn(String(40), { defaultFactory: () => `tags-${++tick}` }),
  rev: mappedColumn(Integer, { serverDefault: "7" }),
  touched: mappedColumn(Integer, { nullable: true, onupdate: () => 42 }),
  note: mappedColumn(String, { nullable: true, sortOrder: -1 }),
}) {}

class Owner extends Base.model(t("owner"), { id: mappedColumn(Integer, { primaryKey: true }), label: mappedColumn(String(20)) }) {
  static pets = relationship(() => Pet, { backPopulates: "owner" });
  declare pets: Pet[];
}
class Pet extends Base.model(t("pet"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  // A ForeignKey given the class attribute: resolved to the owner table's column.
  ownerId: mappedColumn(ForeignKey(Owner.id), { name: "owner_ref" }),
}) {
  static owner = relationship(() => Owner, { backPopulates: "pets" });
  declare owner: Owner;
}

describe("DDL from mapped columns", () => {
  it("NOT NULL unless nullable, primary key, column names, serverDefault, sortOrder", () => {
    const ddl = new CreateTable(Doc.__table__).compile({ dialect: new PGDialect() }).sql;
    const lines = ddl.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("CREATE") && l !== ")");
    expect(lines).toEqual([
      "note VARCHAR,",
      "id SERIAL NOT NULL,",
      "status VARCHAR(10) NOT NULL,",
      "tags VARCHAR(40) NOT NULL,",
      "rev INTEGER DEFAULT '7' NOT NULL,",
      "touched INTEGER,",
      "doc_title VARCHAR(40) NOT NULL,",
      "PRIMARY KEY (id)",
    ]);
    expect(Doc.title.column.name).toBe("doc_title");
    expect(Pet.__table__.c.ownerId.foreignKeys[0].column).toBe(Owner.__table__.c.id);
    expect(Pet.__table__.c.ownerId.name).toBe("owner_ref");
  });
});

describe("construction", () => {
  it("applies scalar defaults and defaultFactory at construction, and takes typed values", () => {
    const d = new Doc({ title: "a" });
    expect(d.status).toBe("draft");
    expect(d.tags).toMatch(/^tags-\d+$/);
    expect(new Doc({ title: "b", status: "final" }).status).toBe("final");
    expect(d.note).toBeUndefined();
    expect(d.id).toBeUndefined();
  });
  it("raises ArgumentError naming the class for an unknown key", () => {
    expect(() => new Doc({ title: "a", colour: "red" })).toThrow(ArgumentError);
    expect(() => new Doc({ title: "a", colour: "red" })).toThrow(/'colour' is not a mapped attribute of Doc/);
  });
  it("accepts relationships by name", () => {
    const o = new Owner({ label: "o", pets: [new Pet()] });
    expect(o.pets[0].owner).toBe(o);
  });
  it("rejects bad declarations", () => {
    class B extends DeclarativeBase {}
    expect(() => B.model(uniqueName("map_col_bad"), { id: mappedColumn(Integer) })).toThrow(/needs a primary key/);
    expect(() => B.model(uniqueName("map_col_bad"), { id: mappedColumn(Integer, { primaryKey: true }), x: Integer as never })).toThrow(/'x' must be a mappedColumn\(\)/);
  });
});

describe.each(dialectTargets())("mapped columns on $name", (target) => {
  let d: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  beforeAll(async () => {
    d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  it("INSERT writes defaults, fetches server defaults and keys in the same statement; UPDATE applies onupdate", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const doc = new Doc({ title: "t1" });
    s.add(doc);
    counting.reset();
    await s.flush();
    expect(counting.statements).toHaveLength(1);
    expect(doc.id).toBeTypeOf("number");
    expect(doc.rev).toBe(7);
    expect(doc.status).toBe("draft");
    expect(doc.touched).toBeNull();
    doc.title = "t2";
    await s.flush();
    expect(doc.touched).toBe(42);
    const row = (await s.execute(select(Doc.__table__.c.title, Doc.__table__.c.touched).where(Doc.__table__.c.id.eq(doc.id)))).one();
    expect(row._tuple()).toEqual(["t2", 42]);
  });

  it("a differently named FK column round-trips through the relationship", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const o = new Owner({ label: "o" });
    o.pets = [new Pet(), new Pet()];
    s.add(o);
    await s.commit();
    expect(o.pets.map((x) => x.ownerId)).toEqual([o.id, o.id]);
  });
});
