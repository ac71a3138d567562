/**
 * SQLAlchemy's test/sql/test_resultset.py (CursorResultTest, GenerativeResultTest) ported to
 * athanor's AsyncConnection on PostgreSQL, libSQL file and :memory:: keyed and positional
 * access, column-object lookup, ambiguous names, text() results, results of statements
 * without rows, closed results, rowcount, freeze(), and the same through stream().
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Column,
  InvalidRequestError,
  Integer,
  LABEL_STYLE_NONE,
  MetaData,
  MultipleResultsFound,
  NoResultFound,
  NoSuchColumnError,
  ResourceClosedError,
  String,
  Table,
  delete as delete_,
  func,
  insert,
  literalColumn,
  select,
  text,
  true_,
  update,
  type RowMapping,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const NO_ROWS = "This result object does not return rows. It has been closed automatically.";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("sars_users"), metadata, {
    user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
    user_name: Column(String(40)),
  });
  const addresses = Table(uniqueName("sars_addr"), metadata, {
    address_id: Column(Integer, { primaryKey: true, autoincrement: false }),
    user_id: Column(Integer),
    address: Column(String(50)),
  });
  const U = users.name;
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });
  beforeEach(async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(addresses));
      await conn.execute(delete_(users));
    });
  });

  const seed = (rows: { user_id: number; user_name: string }[]) =>
    h.engine.begin(async (conn) => {
      await conn.execute(insert(users), rows);
    });

  it("keys() of a statement without rows raises ResourceClosedError, every time", async () => {
    await h.engine.connect(async (conn) => {
      for (let i = 0; i < 2; i++) {
        const r = await conn.execute(text(`update ${U} set user_name='new' where user_id=10`));
        expect(() => r.keys()).toThrow(ResourceClosedError);
        expect(() => r.keys()).toThrow("This result object does not return rows");
        expect(r.returnsRows).toBe(false);
      }
    });
  });

  it("fetch methods, keys() and columns() of an INSERT without RETURNING fail gracefully", async () => {
    const methods: ((r: Awaited<ReturnType<typeof run>>) => unknown)[] = [
      (r) => r.fetchone(),
      (r) => r.fetchall(),
      (r) => r.first(),
      (r) => r.scalar(),
      (r) => r.fetchmany(),
      (r) => r.keys(),
      (r) => r.columns("user" as never),
      (r) => r.scalars().all(),
      (r) => r.mappings().all(),
      (r) => [...r],
    ];
    const run = (conn: Parameters<Parameters<typeof h.engine.connect>[0]>[0]) =>
      conn.execute(insert(users), { user_id: 1, user_name: "x" });
    await h.engine.connect(async (conn) => {
      for (const meth of methods) {
        const tx = await conn.begin();
        const result = await run(conn);
        expect(() => meth(result)).toThrow(new ResourceClosedError(NO_ROWS));
        await tx.rollback();
      }
    });
  });

  it("a row is a tuple of values: values, not keys, are its members; _mapping has the keys", async () => {
    await seed([
      { user_id: 1, user_name: "john" },
      { user_id: 2, user_name: "jack" },
    ]);
    await h.engine.connect(async (conn) => {
      const r = (await conn.execute(text(`select * from ${U} where user_id=2`))).first()!;
      expect([...r].includes("jack")).toBe(true);
      expect([...r].includes("user_name")).toBe(false);
      expect("user_name" in r._mapping).toBe(true);
      expect("foobar" in r._mapping).toBe(false);
      expect(r._mapping.get("user_name")).toBe("jack");
    });
  });

  it("iteration, connection.scalars(), _t and _tuple()", async () => {
    await seed([
      { user_id: 7, user_name: "jack" },
      { user_id: 8, user_name: "ed" },
      { user_id: 9, user_name: "fred" },
    ]);
    await h.engine.connect(async (conn) => {
      const rows = [];
      for (const row of await conn.execute(select(users))) rows.push(row);
      expect(rows).toHaveLength(3);
      expect((await conn.scalars(select(users).orderBy(users.c.user_id))).all()).toEqual([7, 8, 9]);
      const all = (await conn.execute(select(users).orderBy(users.c.user_id))).tuples().all();
      const expected = [
        [7, "jack"],
        [8, "ed"],
        [9, "fred"],
      ];
      expect(all.map((row) => row._t)).toEqual(expected);
      expect(all.map((row) => row._tuple())).toEqual(expected);
    });
  });

  it("fetchone() until it returns null, then a closed result raises ResourceClosedError", async () => {
    await h.engine.connect(async (conn) => {
      const r = await conn.execute(text(`select * from ${U}`));
      expect(r.fetchone()).toBeNull();
      expect(r.fetchone()).toBeNull();
      expect(r.fetchone()).toBeNull();
      r.close();
      expect(() => r.fetchone()).toThrow(new ResourceClosedError("This result object is closed."));
    });
  });

  it("anonymous expressions are keyed anon_1, anon_2", async () => {
    await seed([
      { user_id: 7, user_name: "jack" },
      { user_id: 8, user_name: "ed" },
    ]);
    await h.engine.connect(async (conn) => {
      const sel = select(users.c.user_id).where(users.c.user_name.eq("jack")).scalarSubquery();
      const rows = (await conn.execute(select(sel.add(1), sel.add(3)))).all();
      expect(rows).toHaveLength(1);
      const m = rows[0]!._mapping as unknown as RowMapping;
      expect(m.get("anon_1")).toBe(8);
      expect(m.get("anon_2")).toBe(10);
    });
  });

  it("fetchmany(2) returns two rows", async () => {
    await seed(Array.from({ length: 8 }, (_, i) => ({ user_id: i + 7, user_name: `n${i + 7}` })));
    await h.engine.connect(async (conn) => {
      expect((await conn.execute(select(users))).fetchmany(2)).toHaveLength(2);
    });
  });

  it("rows of text(): slices of _tuple() and mappings()", async () => {
    await seed([
      { user_id: 1, user_name: "john" },
      { user_id: 2, user_name: "jack" },
    ]);
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(addresses), { address_id: 1, user_id: 2, address: "foo@bar.com" });
    });
    await h.engine.connect(async (conn) => {
      const r = (await conn.execute(text(`select * from ${addresses.name}`))).first()!;
      expect(r._tuple().slice(0, 1)).toEqual([1]);
      expect(r._tuple().slice(1)).toEqual([2, "foo@bar.com"]);
      expect(r._tuple().slice(0, -1)).toEqual([1, 2]);
      const ms = (await conn.execute(text(`select * from ${addresses.name}`))).mappings().all();
      expect(ms.map((m) => m.toJSON())).toEqual([{ address_id: 1, user_id: 2, address: "foo@bar.com" }]);
    });
  });

  it("compiled rows answer by attribute, key and column object", async () => {
    await seed([
      { user_id: 1, user_name: "john" },
      { user_id: 2, user_name: "jack" },
    ]);
    await h.engine.connect(async (conn) => {
      const r = (await conn.execute(select(users).where(users.c.user_id.eq(2)))).first()!;
      expect(r.user_id).toBe(2);
      expect(r._mapping.get("user_id")).toBe(2);
      expect(r._mapping.get(users.c.user_id)).toBe(2);
      expect(r.user_name).toBe("jack");
      expect(r._mapping.get("user_name")).toBe("jack");
      expect(r._mapping.get(users.c.user_name)).toBe("jack");
    });
  });

  it("an unknown name or column raises NoSuchColumnError naming it", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(literalColumn("1").label("one")))).first()!;
      expect(() => row._mapping.get("foo" as never)).toThrow(NoSuchColumnError);
      expect(() => row._mapping.get("foo" as never)).toThrow("Could not locate column in row for column 'foo'");
      expect(() => row._mapping.get(addresses.c.address)).toThrow(NoSuchColumnError);
    });
  });

  it("with LABEL_STYLE_NONE a name two columns share is ambiguous; plain and frozen results", async () => {
    await seed([{ user_id: 1, user_name: "john" }]);
    await h.engine.connect(async (conn) => {
      const stmt = select(users, addresses).selectFrom(users.outerjoin(addresses, users.c.user_id.eq(addresses.c.user_id))).setLabelStyle(LABEL_STYLE_NONE);
      for (const frozen of [false, true]) {
        let result = await conn.execute(stmt);
        if (frozen) result = result.freeze()();
        const r = result.first()!;
        expect(() => r._mapping.get("user_id")).toThrow(InvalidRequestError);
        expect(() => r._mapping.get("user_id")).toThrow("Ambiguous column name");
        // Pure positional targeting through the column objects.
        expect(r._mapping.get(users.c.user_id)).toBe(1);
        expect(r._mapping.get(addresses.c.user_id)).toBeNull();
      }
      const fake = Table("fake", new MetaData(), { user_id: Column(Integer) });
      const r = (await conn.execute(stmt)).first()!;
      expect(() => r._mapping.get(fake.c.user_id)).toThrow("Could not locate column in row for column 'fake.user_id'");
    });
  });

  it("keys(), row._fields and _mapping.keys() in select order; anonymous labels are numbered", async () => {
    await seed([{ user_id: 1, user_name: "foo" }]);
    await h.engine.connect(async (conn) => {
      const result = await conn.execute(select(users));
      expect(result.keys()).toEqual(["user_id", "user_name"]);
      const row = result.first()!;
      expect(row._mapping.keys()).toEqual(["user_id", "user_name"]);
      expect(row._fields).toEqual(["user_id", "user_name"]);
      expect(row._mapping.toJSON()).toEqual({ user_id: 1, user_name: "foo" });
      expect(row._mapping.entries()).toEqual([
        ["user_id", 1],
        ["user_name", "foo"],
      ]);
      expect(row._mapping.values()).toEqual([1, "foo"]);
      expect(row._mapping.items()).toEqual([
        ["user_id", 1],
        ["user_name", "foo"],
      ]);
      expect(row.length).toBe(2);

      const anon = await conn.execute(
        select(users.c.user_id, users.c.user_name, func.count(literalColumn("1"))).groupBy(users.c.user_id, users.c.user_name),
      );
      expect(anon.keys()).toEqual(["user_id", "user_name", "count_1"]);
      const arow = anon.first()!;
      expect(arow._fields).toEqual(["user_id", "user_name", "count_1"]);
      expect(arow._mapping.keys()).toEqual(["user_id", "user_name", "count_1"]);
    });
  });

  it("exec driver SQL: row length follows the query's columns, in query order", async () => {
    await seed([{ user_id: 1, user_name: "foo" }]);
    await h.engine.connect(async (conn) => {
      expect((await conn.execDriverSql(`select user_name, user_id from ${U}`)).first()!.length).toBe(2);
      expect((await conn.execDriverSql(`select user_name from ${U}`)).first()!.length).toBe(1);
      const r = (await conn.execute(text(`select user_name, user_id from ${U}`))).first()!;
      expect(r._fields).toEqual(["user_name", "user_id"]);
      expect(r._tuple()).toEqual(["foo", 1]);
    });
  });

  it("rowcount of UPDATE and DELETE is the number of matched rows", async () => {
    await seed([
      { user_id: 1, user_name: "a" },
      { user_id: 2, user_name: "a" },
      { user_id: 3, user_name: "b" },
    ]);
    await h.engine.begin(async (conn) => {
      const u = await conn.execute(update(users).where(users.c.user_name.eq("a")).values({ user_name: "c" }));
      expect(u.rowcount).toBe(2);
      expect(u.rowsAffected).toBe(2);
      expect(u.returnsRows).toBe(false);
      const d = await conn.execute(delete_(users).where(users.c.user_id.eq(3)));
      expect(d.rowcount).toBe(1);
      const none = await conn.execute(delete_(users).where(users.c.user_id.eq(99)));
      expect(none.rowcount).toBe(0);
    });
  });

  it("insertedPrimaryKey of a single-row INSERT; a SELECT has none", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(users), { user_id: 5, user_name: "e" });
      expect(r.insertedPrimaryKey!._tuple()).toEqual([5]);
      expect(r.returnsRows).toBe(false);
      const s = await conn.execute(select(users));
      expect(s.returnsRows).toBe(true);
      expect(() => s.insertedPrimaryKey).toThrow(InvalidRequestError);
      expect(() => s.insertedPrimaryKey).toThrow("not an insert() expression construct");
    });
  });

  it("one(), oneOrNone(), scalarOne() over real rows", async () => {
    await seed([
      { user_id: 1, user_name: "a" },
      { user_id: 2, user_name: "b" },
    ]);
    await h.engine.connect(async (conn) => {
      const many = await conn.execute(select(users));
      expect(() => many.one()).toThrow(MultipleResultsFound);
      const none = await conn.execute(select(users).where(users.c.user_id.eq(99)));
      expect(() => none.one()).toThrow(NoResultFound);
      expect((await conn.execute(select(users.c.user_name).where(users.c.user_id.eq(2)))).scalarOne()).toBe("b");
      expect((await conn.execute(select(users).where(users.c.user_id.eq(99)))).oneOrNone()).toBeNull();
    });
  });

  it("GenerativeResultTest: columns() by name, position and column; twice; partitions()", async () => {
    await seed([
      { user_id: 1, user_name: "john" },
      { user_id: 2, user_name: "jack" },
      { user_id: 3, user_name: "jill" },
    ]);
    await h.engine.connect(async (conn) => {
      const stmt = select(users).orderBy(users.c.user_id);
      const all = (await conn.execute(stmt)).all();
      expect(all.map((r) => r._tuple())).toEqual([
        [1, "john"],
        [2, "jack"],
        [3, "jill"],
      ]);
      for (const cols of [["user_name", "user_id"], [1, 0], [users.c.user_name, users.c.user_id]] as const) {
        const rows = (await conn.execute(stmt)).columns(...(cols as unknown as [0])).all();
        expect(rows.map((r) => r._tuple())).toEqual([
          ["john", 1],
          ["jack", 2],
          ["jill", 3],
        ]);
      }
      const twice = (await conn.execute(stmt)).columns("user_name", "user_id").columns("user_name").all();
      expect(twice.map((r) => r._tuple())).toEqual([["john"], ["jack"], ["jill"]]);
      const plusGetter = (await conn.execute(stmt)).columns("user_name", "user_id").all();
      expect(plusGetter.map((r) => r._mapping.get(users.c.user_id))).toEqual([1, 2, 3]);
      const parts = [...(await conn.execute(stmt)).columns("user_name").partitions(2)];
      expect(parts.map((p) => p.map((r) => r._tuple()))).toEqual([[["john"], ["jack"]], [["jill"]]]);
    });
  });

  for (const kind of ["plain", "scalars", "mapping"] as const) {
    const open = async (conn: Parameters<Parameters<typeof h.engine.connect>[0]>[0]) =>
      kind === "plain" ? conn.execute(select(users)) : kind === "scalars" ? conn.scalars(select(users)) : (await conn.execute(select(users))).mappings();
    const five = () => seed([1, 2, 3, 4, 5].map((i) => ({ user_id: i, user_name: `u${i}` })));

    it(`${kind}: _softClose() leaves the result open; close() closes it`, async () => {
      await five();
      await h.engine.connect(async (conn) => {
        const r1 = await open(conn);
        expect(r1.closed).toBe(false);
        expect(r1._softClosed).toBe(false);
        r1._softClose();
        expect(r1.closed).toBe(false);
        expect(r1._softClosed).toBe(true);
        expect(r1.all()).toEqual([]);
        r1.close();
        expect(r1.closed).toBe(true);
        expect(r1._softClosed).toBe(true);
      });
    });

    it(`${kind}: exhausting the rows soft-closes; close() then closes`, async () => {
      await five();
      await h.engine.connect(async (conn) => {
        const result = await open(conn);
        expect(result._softClosed).toBe(false);
        expect([...result]).toHaveLength(5);
        expect(result._softClosed).toBe(true);
        expect(result.closed).toBe(false);
        result.close();
        expect(result.closed).toBe(true);
      });
    });

    it(`${kind}: \`using\` with an error in the loop closes the result`, async () => {
      await five();
      await h.engine.connect(async (conn) => {
        const result = await open(conn);
        expect(() => {
          using r = result;
          expect(r._softClosed).toBe(false);
          let i = 0;
          for (const _obj of r) {
            if (i++ > 2) throw new Error("hi");
          }
        }).toThrow("hi");
        expect(result._softClosed).toBe(true);
        expect(result.closed).toBe(true);
      });
    });
  }

  it("stream(): the same accessors, mappings().columns(), freeze(), and closed behaviour", async () => {
    await seed([
      { user_id: 1, user_name: "john" },
      { user_id: 2, user_name: "jack" },
    ]);
    await h.engine.connect(async (conn) => {
      const stmt = select(users).orderBy(users.c.user_id);
      const s1 = await conn.stream(stmt);
      expect(s1.keys()).toEqual(["user_id", "user_name"]);
      const m = s1.mappings().columns("user_name");
      expect(m.keys()).toEqual(["user_name"]);
      expect((await m.all()).map((x) => x.toJSON())).toEqual([{ user_name: "john" }, { user_name: "jack" }]);
      await s1.close();

      const s2 = await conn.stream(stmt);
      const frozen = await s2.freeze();
      expect(s2.closed || (await s2.fetchone()) === null).toBe(true);
      expect(frozen().all().map((r) => r.user_name)).toEqual(["john", "jack"]);
      expect(frozen().columns(-1).scalars().all()).toEqual(["john", "jack"]);

      const s3 = await conn.stream(stmt);
      expect(s3.tuples()).toBe(s3);
      expect((await s3.first())?._tuple()).toEqual([1, "john"]);
      await expect(s3.fetchone()).rejects.toThrow(new ResourceClosedError("This result object is closed."));
    });
  });
});

describe.each(engineTargets())("$name KeyTargetingTest", (target) => {
  const metadata = new MetaData();
  const keyed1 = Table(uniqueName("keyed1"), metadata, { b: Column(String(2), { name: "a" }), q: Column(String(2), { name: "c" }) });
  const keyed2 = Table(uniqueName("keyed2"), metadata, { a: Column(String(2)), b: Column(String(2)) });
  const keyed3 = Table(uniqueName("keyed3"), metadata, { a: Column(String(2)), d: Column(String(2)) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(keyed1), { b: "a1", q: "c1" });
      await conn.execute(insert(keyed2), { a: "a2", b: "b2" });
      await conn.execute(insert(keyed3), { a: "a3", d: "d3" });
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });
  type Loose = { readonly [k: string]: unknown };

  it("a column whose key differs from its name answers to both", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(keyed1))).first()!;
      expect(row.b).toBe("a1");
      expect(row.q).toBe("c1");
      expect((row as unknown as Loose).a).toBe("a1");
      expect((row as unknown as Loose).c).toBe("c1");
      const m = row._mapping as unknown as RowMapping;
      expect(m.get("a")).toBe("a1");
      // Keys are the SQL names, as SQLAlchemy's; the column keys (b, q) answer as second names.
      expect(m.keys()).toEqual(["a", "c"]);
      expect(row._fields).toEqual(["a", "c"]);
      expect(row._asDict()).toEqual({ a: "a1", c: "c1" });
      // frozen results keep the names
      const frozen = (await conn.execute(select(keyed1))).freeze();
      expect((frozen().first()! as unknown as Loose).a).toBe("a1");
    });
  });

  it("with LABEL_STYLE_NONE a SQL name selected twice is ambiguous; column objects still work", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(keyed1, keyed2).selectFrom(keyed1.join(keyed2, true_())).setLabelStyle(LABEL_STYLE_NONE))).first()!;
      const loose = row as unknown as Loose;
      expect(row._mapping.get(keyed2.c.b)).toBe("b2");
      expect(() => loose.a).toThrow(InvalidRequestError);
      expect(() => loose.a).toThrow("Ambig");
      expect(() => loose.b).toThrow("Ambig");
      const only = (await conn.execute(select(keyed1))).first()!;
      expect(only.b).toBe("a1");
    });
  });

  it("with LABEL_STYLE_NONE a key stays usable by position when its SQL name is a duplicate", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(keyed1, keyed3).selectFrom(keyed1.join(keyed3, true_())).setLabelStyle(LABEL_STYLE_NONE))).first()!;
      const loose = row as unknown as Loose;
      expect(loose.q).toBe("c1");
      expect(loose.b).toBe("a1");
      expect(() => loose.a).toThrow("Ambiguous column name 'a'");
      expect(loose.d).toBe("d3");
    });
  });
});
