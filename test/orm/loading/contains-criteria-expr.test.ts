/**
 * containsEager (explicit join, aliased join), withLoaderCriteria (root, joins, selectin and
 * joined eager loads, includeAliases), columnProperty and queryExpression / withExpression.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliased, containsEager, insert, joinedload, select, selectinload, undefer, withLoaderCriteria } from "athanor";
import { withExpression } from "../../../src/orm/options.js";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, ormExecute, type Db } from "./models.js";

const M = defineModels("ldce");
const { User, Address } = M;
type UserT = InstanceType<typeof User>;

describe.each(dialectTargets())("containsEager, loader criteria and SQL expression attributes on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks" },
        { id: 2, name: "patrick", fullname: null },
        { id: 3, name: "squidward", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("containsEager populates a collection from the statement's own join (one SELECT, filtered rows)", async () => {
    const s = db.session();
    db.counting.reset();
    const stmt = select(User).join(User.addresses).where(Address.email.like("%@x")).orderBy(User.id, Address.id).options(containsEager(User.addresses));
    const users = (await ormExecute(s, stmt)).unique().scalars().all() as UserT[];
    expect(db.selects()).toHaveLength(1);
    expect(db.selects()[0]).not.toContain("OUTER");
    expect(users.map((u) => [u.name, u.addresses.map((a) => a.email)])).toEqual([
      ["sandy", ["s1@x"]],
      ["patrick", ["p1@x"]],
    ]);
    await s.close();
  });

  it("containsEager with an alias: containsEager(User.addresses, { alias })", async () => {
    const s = db.session();
    const a = aliased(Address, "adr");
    db.counting.reset();
    const stmt = select(User).outerjoin(a, User.id.eq(a.userId)).orderBy(User.id, a.id).options(containsEager(User.addresses, { alias: a }));
    const users = (await ormExecute(s, stmt)).unique().scalars().all() as UserT[];
    expect(db.selects()[0]).toContain("adr.email_address");
    expect(users.map((u) => u.addresses.map((x) => x.email))).toEqual([["s1@x", "s2@y"], ["p1@x"], []]);
    await s.close();
  });

  it("withLoaderCriteria filters the root entity and explicit joins (in the ON clause)", async () => {
    const s = db.session();
    db.counting.reset();
    const names = (await s.scalars(select(User).orderBy(User.id).options(withLoaderCriteria(User, (u) => u.name.ne("patrick"))))).all().map((u) => u.name);
    expect(names).toEqual(["sandy", "squidward"]);
    const rows = (
      await s.execute(
        select(User.name, Address.email).join(User.addresses).orderBy(Address.id).options(withLoaderCriteria(Address, (a) => a.email.like("%@x"))),
      )
    ).all();
    expect(rows.map((r) => [...r])).toEqual([["sandy", "s1@x"], ["patrick", "p1@x"]]);
    expect(db.selects()[1]).toMatch(/JOIN \S+_addresses ON \(?\S+_users\.id = \S+_addresses\.user_id AND \S+_addresses\.email_address LIKE/);
    await s.close();
  });

  it("withLoaderCriteria applies to selectin and joined eager loads of that entity", async () => {
    const s = db.session();
    const only = withLoaderCriteria(Address, (a) => a.email.like("%@x"));
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.addresses), only))).all();
    expect(users.map((u) => u.addresses.map((a) => a.email))).toEqual([["s1@x"], ["p1@x"], []]);
    await s.close();

    const s2 = db.session();
    db.counting.reset();
    const joined = (await ormExecute(s2, select(User).orderBy(User.id).options(joinedload(User.addresses), only))).unique().scalars().all() as UserT[];
    expect(joined.map((u) => u.addresses.map((a) => a.email))).toEqual([["s1@x"], ["p1@x"], []]);
    // The criterion is adapted to the eager alias and sits in its ON clause (parents are kept).
    expect(db.selects()[0]).toMatch(/LEFT OUTER JOIN \S+ AS (\S+_addresses_1) ON \S+_users\.id = \1\.user_id AND \1\.email_address LIKE/);
    await s2.close();
  });

  it("withLoaderCriteria includeAliases: aliased entities are filtered only when asked", async () => {
    const s = db.session();
    const ua = aliased(User);
    const plain = (await s.scalars(select(ua).orderBy(ua.id).options(withLoaderCriteria(User, (u) => u.name.ne("patrick"))))).all();
    expect(plain.map((u) => u.name)).toEqual(["sandy", "patrick", "squidward"]);
    const filtered = (await s.scalars(select(ua).orderBy(ua.id).options(withLoaderCriteria(User, (u) => u.name.ne("patrick"), { includeAliases: true })))).all();
    expect(filtered.map((u) => u.name)).toEqual(["sandy", "squidward"]);
    await s.close();
  });

  it("columnProperty: loaded with the row, usable in WHERE and as a selected column, adapted for aliases", async () => {
    const s = db.session();
    const users = (await s.scalars(select(User).orderBy(User.id))).all();
    expect(users.map((u) => u.display)).toEqual(["sandy / Sandy Cheeks", "patrick / ?", "squidward / ?"]);
    const p = (await s.scalars(select(User).where(User.display.eq("patrick / ?")))).one();
    expect(p).toBe(users[1]);
    const rows = (await s.execute(select(User.id, User.display).where(User.id.eq(1)))).all();
    expect(rows.map((r) => [...r])).toEqual([[1, "sandy / Sandy Cheeks"]]);
    const ua = aliased(User, "u2");
    const viaAlias = (await s.execute(select(ua.display).where(ua.id.eq(3)))).scalar();
    expect(viaAlias).toBe("squidward / ?");
    await s.close();
  });

  it("deferred columnProperty loads with undefer()", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)))).one();
    expect(() => u.addressCount).toThrow("Attribute 'User.addressCount' is not loaded");
    const again = (await s.scalars(select(User).where(User.id.eq(1)).options(undefer(User.addressCount)))).one();
    expect(again).toBe(u);
    expect(Number(u.addressCount)).toBe(2);
    await s.close();
  });

  it("queryExpression reads null unless withExpression() supplies it; populateExisting refreshes it", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(2)))).one();
    expect(u.score).toBeNull();
    const s2 = db.session();
    const scored = (await s2.scalars(select(User).orderBy(User.id).options(withExpression(User.score, User.id.mul(10))))).all();
    expect(scored.map((x) => x.score)).toEqual([10, 20, 30]);
    // Already loaded: kept, as in SQLAlchemy, unless the query populates existing objects.
    const kept = (await s2.scalars(select(User).where(User.id.eq(1)).options(withExpression(User.score, User.id.mul(100))))).one();
    expect(kept.score).toBe(10);
    const refreshed = (
      await s2.scalars(select(User).where(User.id.eq(1)).options(withExpression(User.score, User.id.mul(100))).executionOptions({ populateExisting: true }))
    ).one();
    expect(refreshed.score).toBe(100);
    await s.close();
    await s2.close();
  });
});
