/**
 * `result.insertedPrimaryKey` (SQLAlchemy's `CursorResult.inserted_primary_key`) on PostgreSQL
 * and libSQL: given keys, SQLite's last insert rowid, the implicit `RETURNING` the engine adds
 * for keys the database generates (checked in the SQL sent), and the errors for statements that
 * have no single inserted key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Column, Integer, InvalidRequestError, MetaData, String, Table, column, createAsyncEngine, insert, select, table,
  type AsyncEngine,
} from "../../src/index.js";
import { createNeonHttpDriver } from "../../adapters/neon-http/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../fixtures/databases.js";
import { startNeonHttpPeer, type NeonHttpPeer } from "../fixtures/neon-http-peer.js";

const md = new MetaData();
const people = Table(uniqueName("ipk_people"), md, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30)),
});
let seq = 0;
const tags = Table(uniqueName("ipk_tags"), md, {
  code: Column(String(20), { primaryKey: true, default: () => `tag-${++seq}` }),
  label: Column(String(30)),
});
const pairs = Table(uniqueName("ipk_pairs"), md, {
  a: Column(Integer, { primaryKey: true, autoincrement: false }),
  b: Column(String(10), { primaryKey: true }),
});

describe.each(dialectTargets())("insertedPrimaryKey on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    cleanup = async () => {
      await engine.begin((conn) => md.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin((conn) => md.createAll(conn));
  });
  afterAll(() => cleanup());
  beforeEach(() => counting.reset());

  it("reads a generated integer key: RETURNING on PostgreSQL, the last insert rowid on SQLite", async () => {
    const [first, second] = await engine.begin(async (conn) => [
      await conn.execute(insert(people).values({ name: "ann" })),
      await conn.execute(insert(people), { name: "bob" }),
    ]);
    expect([...first!.insertedPrimaryKey!]).toEqual([1]);
    expect(second!.insertedPrimaryKey!._mapping.id).toBe(2);
    expect(first!.returnsRows).toBe(false);
    expect(first!.rowsAffected).toBe(1);
    const sent = counting.statements.filter((s) => s.startsWith("INSERT"));
    if (target.dialect === "postgresql") {
      expect(sent).toEqual([
        `INSERT INTO ${people.name} (name) VALUES ($1) RETURNING ${people.name}.id`,
        `INSERT INTO ${people.name} (name) VALUES ($1) RETURNING ${people.name}.id`,
      ]);
    } else {
      expect(sent).toEqual([`INSERT INTO ${people.name} (name) VALUES (?)`, `INSERT INTO ${people.name} (name) VALUES (?)`]);
    }
  });

  it("reports a given key as given, with no RETURNING", async () => {
    const r = await engine.begin((conn) => conn.execute(insert(people).values({ id: 40, name: "cy" })));
    expect(r.insertedPrimaryKey!._asDict()).toEqual({ id: 40 });
    const r2 = await engine.begin((conn) => conn.execute(insert(pairs), { a: 1, b: "x" }));
    expect([...r2.insertedPrimaryKey!]).toEqual([1, "x"]);
    expect(r2.insertedPrimaryKey!._fields).toEqual(["a", "b"]);
    expect(counting.statements.filter((s) => s.includes("RETURNING"))).toEqual([]);
  });

  it("reads a key made by a client-side default back through RETURNING", async () => {
    const r = await engine.begin((conn) => conn.execute(insert(tags).values({ label: "red" })));
    const code = r.insertedPrimaryKey!._mapping.code;
    expect(code).toMatch(/^tag-\d+$/);
    const stored = await engine.connect(async (conn) => (await conn.execute(select(tags.c.code).where(tags.c.label.eq("red")))).scalarOne());
    expect(stored).toBe(code);
  });

  it("raises InvalidRequestError where there is no single inserted key", async () => {
    await engine.begin(async (conn) => {
      const sel = await conn.execute(select(people.c.id).limit(1));
      expect(() => sel.insertedPrimaryKey).toThrow(new InvalidRequestError("Statement is not an insert() expression construct."));
      const many = await conn.execute(insert(people), [{ name: "d" }, { name: "e" }]);
      expect(() => many.insertedPrimaryKey).toThrow(/executemany call/);
      const ret = await conn.execute(insert(people).values({ name: "f" }).returning(people.c.id));
      expect(() => ret.insertedPrimaryKey).toThrow(/returning\(\) is used/);
      expect(ret.all()).toHaveLength(1);
      const multi = await conn.execute(insert(people).values([{ name: "g" }, { name: "h" }]));
      expect(() => multi.insertedPrimaryKey).toThrow(/multi-row VALUES/);
      const light = table(people.name, column("name", String()));
      const noPk = await conn.execute(insert(light).values({ name: "i" }));
      // SQLAlchemy's `()` for a table without a primary key.
      expect(noPk.insertedPrimaryKey!._tuple()).toEqual([]);
    });
  });
});

describe("insertedPrimaryKey on a batch-only driver (Neon HTTP through the local peer)", () => {
  let peer: NeonHttpPeer;
  let engine: AsyncEngine;
  beforeAll(async () => {
    peer = await startNeonHttpPeer();
    engine = createAsyncEngine(createNeonHttpDriver({ url: peer.connectionString, fetchEndpoint: peer.endpoint }));
    await engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await engine.dispose();
    await peer.stop();
  });

  it("knows a given key at once; a generated key of a write queued for the commit batch raises, naming the way out", async () => {
    await engine.begin(async (conn) => {
      const given = await conn.execute(insert(people).values({ id: 7, name: "gil" }));
      expect([...given.insertedPrimaryKey!]).toEqual([7]);
      const generated = await conn.execute(insert(people).values({ name: "hal" }));
      expect(() => generated.insertedPrimaryKey).toThrow(InvalidRequestError);
      expect(() => generated.insertedPrimaryKey).toThrow(/queued for the commit batch of a batch-only driver.*known only after commit; pass the key.s value to the statement/);
    });
    const names = await engine.connect(async (conn) => (await conn.execute(select(people.c.name).orderBy(people.c.name))).scalars().all());
    expect(names).toEqual(["gil", "hal"]);
  });
});
