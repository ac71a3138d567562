/**
 * SQLAlchemy test/dialect/postgresql/test_compiler.py cases for constructs athanor has, in
 * athanor's `$n` form: FOR UPDATE variants (OF columns name their tables), SUBSTRING … FROM …
 * FOR, power(), ILIKE with ESCAPE, XOR as `#`, RETURNING, DELETE … USING, string_agg; and the
 * display dialect's plain `FOR UPDATE`.
 */
import { describe, it } from "vitest";
import { Integer, String, column, delete_, func, select, table, update } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

const pg = { dialect: "postgresql" } as const;
const t1 = table("mytable", column("myid"), column("name"), column("description"));
const base = "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = $1";

describe("test_for_update", () => {
  const s = t1.select().where(t1.c.myid.eq(7));
  it("lock strengths and waits", () => {
    assertCompile(s.withForUpdate(), `${base} FOR UPDATE`, pg);
    assertCompile(s.withForUpdate({ nowait: true }), `${base} FOR UPDATE NOWAIT`, pg);
    assertCompile(s.withForUpdate({ skipLocked: true }), `${base} FOR UPDATE SKIP LOCKED`, pg);
    assertCompile(s.withForUpdate({ read: true }), `${base} FOR SHARE`, pg);
    assertCompile(s.withForUpdate({ read: true, nowait: true }), `${base} FOR SHARE NOWAIT`, pg);
    assertCompile(s.withForUpdate({ keyShare: true, nowait: true }), `${base} FOR NO KEY UPDATE NOWAIT`, pg);
    assertCompile(s.withForUpdate({ keyShare: true, read: true, nowait: true }), `${base} FOR KEY SHARE NOWAIT`, pg);
    assertCompile(s.withForUpdate({ read: true, skipLocked: true }), `${base} FOR SHARE SKIP LOCKED`, pg);
  });
  it("OF columns render their tables, once; aliases by their name", () => {
    assertCompile(s.withForUpdate({ of: [t1.c.myid] }), `${base} FOR UPDATE OF mytable`, pg);
    assertCompile(s.withForUpdate({ of: [t1.c.myid, t1.c.name] }), `${base} FOR UPDATE OF mytable`, pg);
    assertCompile(s.withForUpdate({ read: true, nowait: true, of: [t1] }), `${base} FOR SHARE OF mytable NOWAIT`, pg);
    const ta = t1.alias("ta");
    assertCompile(
      ta.select().where(ta.c.myid.eq(7)).withForUpdate({ of: [ta.c.myid] }),
      "SELECT ta.myid, ta.name, ta.description FROM mytable AS ta WHERE ta.myid = $1 FOR UPDATE OF ta",
      pg,
    );
  });
  it("the display dialect renders FOR UPDATE only", () => {
    assertCompile(s.withForUpdate({ read: true, nowait: true, of: [t1.c.myid] }), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = :myid_1 FOR UPDATE");
  });
});

describe("PostgreSQL function and operator spellings", () => {
  it("test_substring", () => {
    // Typed bound arguments carry their cast, as SQLAlchemy's asyncpg dialect renders them (strings stay untyped).
    assertCompile(func.substring("abc", 1, 2), "SUBSTRING($1 FROM $2::INTEGER FOR $3::INTEGER)", { ...pg, positional: ["abc", 1, 2] });
    assertCompile(func.substring("abc", 1), "SUBSTRING($1 FROM $2::INTEGER)", { ...pg, positional: ["abc", 1] });
    assertCompile(func.substring("abc", 1, 2), "substring(:substring_1, :substring_2, :substring_3)");
  });
  it("pow() is power()", () => {
    const t = table("t", column("a", Integer()), column("b", Integer()));
    assertCompile(func.pow(t.c.a, 3), "power(t.a, $1::INTEGER)", { ...pg, params: { pow_1: 3 } });
    assertCompile(func.power(t.c.a, t.c.b), "power(t.a, t.b)", pg);
  });
  it("test_ilike_escaping", () => {
    assertCompile(column("foo", String()).ilike("bar", { escape: "\\" }), "foo ILIKE $1 ESCAPE '\\'", pg);
    assertCompile(column("foo", String()).notIlike("bar", { escape: "\\" }), "foo NOT ILIKE $1 ESCAPE '\\'", pg);
  });
  it("test_bitwise_xor", () => {
    assertCompile(select(column("c1", Integer()).bitwiseXor(column("c2", Integer()))), "SELECT c1 # c2 AS anon_1", pg);
  });
  it("test_update_returning", () => {
    const t = table("mytable", column("myid", Integer()), column("name", String(128)), column("description", String(128)));
    assertCompile(update(t).values({ name: "foo" }).returning(t.c.myid, t.c.name), "UPDATE mytable SET name=$1 RETURNING mytable.myid, mytable.name", pg);
    assertCompile(update(t).values({ name: "foo" }).returning(t), "UPDATE mytable SET name=$1 RETURNING mytable.myid, mytable.name, mytable.description", pg);
    assertCompile(update(t).values({ name: "foo" }).returning(func.length(t.c.name)), "UPDATE mytable SET name=$1 RETURNING length(mytable.name) AS length_1", pg);
  });
  it("test_delete_extra_froms", () => {
    const t2 = table("t2", column("a"), column("b"));
    const t3 = table("t3", column("a"));
    assertCompile(delete_(t2).where(t2.c.a.eq(t3.c.a)), "DELETE FROM t2 USING t3 WHERE t2.a = t3.a", pg);
  });
});
