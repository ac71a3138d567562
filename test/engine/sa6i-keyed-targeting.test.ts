/**
 * SQLAlchemy's test/sql/test_resultset.py KeyTargetingTest, the keyed-column cases not in
 * sa-resultset.test.ts: `Column("a", key="b")` under LABEL_STYLE_TABLENAME_PLUS_COL answers to
 * both `<table>_b` and `<table>_a`, name precedence across joined tables, and a column selected
 * several times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, Table, insert, select, true_ } from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

type Loose = { readonly [k: string]: unknown };

describe.each(engineTargets())("$name sa6i KeyTargetingTest", (target) => {
  const metadata = new MetaData();
  const keyed1 = Table(uniqueName("sa6i_k1"), metadata, { b: Column(String(2), { name: "a" }), q: Column(String(2), { name: "c" }) });
  const keyed2 = Table(uniqueName("sa6i_k2"), metadata, { a: Column(String(2)), b: Column(String(2)) });
  const keyed3 = Table(uniqueName("sa6i_k3"), metadata, { a: Column(String(2)), d: Column(String(2)) });
  const keyed4 = Table(uniqueName("sa6i_k4"), metadata, { b: Column(String(2)), q: Column(String(2)) });
  const K1 = keyed1.name;
  const K2 = keyed2.name;
  const K3 = keyed3.name;
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(keyed1), { b: "a1", q: "c1" });
      await conn.execute(insert(keyed2), { a: "a2", b: "b2" });
      await conn.execute(insert(keyed3), { a: "a3", d: "d3" });
      await conn.execute(insert(keyed4), { b: "b4", q: "q4" });
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  it("a keyed column's result key is its SQL name; the key is a second name for it", async () => {
    await h.engine.connect(async (conn) => {
      const res = await conn.execute(select(keyed1));
      expect(res.keys()).toEqual(["a", "c"]);
      const row = res.first()!;
      expect(row._fields).toEqual(["a", "c"]);
      expect(row._asDict()).toEqual({ a: "a1", c: "c1" });
      expect(row.b).toBe("a1");
      expect((row as unknown as Loose).a).toBe("a1");
      expect(row._mapping.get("q")).toBe("c1");
      expect(row._mapping.get(keyed1.c.q)).toBe("c1");
      const labeled = await conn.execute(select(keyed1).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL));
      expect(labeled.keys()).toEqual([`${K1}_a`, `${K1}_c`]);
      const sub = await conn.execute(select(select(keyed1).subquery()));
      expect(sub.keys()).toEqual(["a", "c"]);
      expect((sub.first()! as unknown as Loose).b).toBe("a1");
      const ret = await conn.execute(insert(keyed1).returning(keyed1.c.b), { b: "x", q: "y" });
      expect(ret.keys()).toEqual(["a"]);
      await conn.rollback();
    });
  });

  it("test_keyed_accessor_single_labeled: <table>_<key> and <table>_<name> both work", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(keyed1).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL))).first()! as unknown as Loose;
      expect(row[`${K1}_b`]).toBe("a1");
      expect(row[`${K1}_q`]).toBe("c1");
      expect(row[`${K1}_a`]).toBe("a1");
      expect(row[`${K1}_c`]).toBe("c1");
    });
  });

  it("test_keyed_accessor_composite_labeled", async () => {
    await h.engine.connect(async (conn) => {
      const res = await conn.execute(select(keyed1, keyed2).selectFrom(keyed1.join(keyed2, true_())).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL));
      const row = res.first()!;
      const loose = row as unknown as Loose;
      expect(loose[`${K1}_b`]).toBe("a1");
      expect(loose[`${K1}_a`]).toBe("a1");
      expect(loose[`${K1}_q`]).toBe("c1");
      expect(loose[`${K1}_c`]).toBe("c1");
      expect(loose[`${K2}_a`]).toBe("a2");
      expect(loose[`${K2}_b`]).toBe("b2");
      expect(row._fields).toEqual([`${K1}_a`, `${K1}_c`, `${K2}_a`, `${K2}_b`]);
      expect(() => row._mapping.get(`${K2}_c` as never)).toThrow(`Could not locate column in row for column '${K2}_c'`);
      expect(() => row._mapping.get(`${K2}_q` as never)).toThrow(`Could not locate column in row for column '${K2}_q'`);
    });
  });

  it("test_keyed_accessor_composite_conflict_2_fix_w_uselabels", async () => {
    await h.engine.connect(async (conn) => {
      const row = (await conn.execute(select(keyed1, keyed2).selectFrom(keyed1.join(keyed2, true_())).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL))).first()!;
      expect(row._mapping.get(keyed2.c.b)).toBe("b2");
      expect(row._mapping.get(`${K2}_b` as never)).toBe("b2");
      expect(row._mapping.get(`${K1}_a` as never)).toBe("a1");
    });
  });

  it("test_keyed_accessor_composite_names_precedent: keys of the default label style win over SQL names", async () => {
    await h.engine.connect(async (conn) => {
      const res = await conn.execute(select(keyed1, keyed4).selectFrom(keyed1.join(keyed4, true_())));
      expect(res.keys()).toEqual(["a", "c", "b", "q"]);
      const row = res.first()! as unknown as Loose;
      expect(row.b).toBe("b4");
      expect(row.q).toBe("q4");
      expect(row.a).toBe("a1");
      expect(row.c).toBe("c1");
    });
  });

  it("test_keyed_accessor_column_is_repeated_multiple_times", async () => {
    await h.engine.connect(async (conn) => {
      const stmt = select(keyed2.c.a, keyed3.c.a, keyed2.c.a, keyed2.c.a, keyed3.c.a, keyed3.c.a, keyed3.c.d, keyed3.c.d)
        .selectFrom(keyed2.join(keyed3, true_()))
        .setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
      const result = await conn.execute(stmt);
      expect(result.keys()).toEqual([`${K2}_a`, `${K3}_a`, `${K2}_a__1`, `${K2}_a__2`, `${K3}_a__1`, `${K3}_a__2`, `${K3}_d`, `${K3}_d__1`]);
      const row = result.first()!;
      expect(row._mapping.get(keyed2.c.a)).toBe("a2");
      expect(row._mapping.get(keyed3.c.a)).toBe("a3");
      expect(row._mapping.get(keyed3.c.d)).toBe("d3");
      expect([...row]).toEqual(["a2", "a3", "a2", "a2", "a3", "a3", "d3", "d3"]);
      expect(row[7]).toBe("d3");
    });
  });
});
