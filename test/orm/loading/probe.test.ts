import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { select, selectinload, joinedload } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldprobe");
const { User, Address, Order, Item, Keyword } = M;

describe.each(dialectTargets())("probe $name", (target) => {
  let db: Db;
  beforeAll(async () => { db = await openDb(target, M.Base); });
  afterAll(async () => { await db.cleanup(); });
  it("works", async () => {
    const s = db.session();
    const u = new User({ name: "a" });
    u.addresses = [new Address({ email: "x" })];
    const o = new Order({ description: "o1" });
    o.items = [new Item({ name: "i1" })];
    o.items[0].keywords = [new Keyword({ name: "k1" })];
    u.orders = [o];
    s.add(u);
    await s.commit();
    await s.close();
    const s2 = db.session();
    db.counting.reset();
    const users = (await s2.scalars(select(User).options(selectinload(User.orders).selectinload(Order.items).selectinload(Item.keywords), joinedload(User.addresses)))).all();
    console.log(db.selects());
    expect(users[0].orders[0].items[0].keywords[0].name).toBe("k1");
  });
});
