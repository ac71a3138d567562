/**
 * athanor ORM tour: typed models, an object graph committed in one unit of work, selectinload
 * and joinedload, the error raised by an unloaded relationship, a bulk INSERT returning objects,
 * and an UPDATE with synchronizeSession.
 *
 *   npm run example:orm          (libSQL file ./orm-example.db; ATHANOR_ORM_URL to change)
 */
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn,
  relationship, select, selectinload, String, update, UnloadedAttributeError,
} from "athanor";
import "athanor/adapters/libsql";
import "athanor/adapters/postgres-js";

class Base extends DeclarativeBase {}

class User extends Base.model("user_account", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  fullname: mappedColumn(String, { nullable: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare addresses: Address[];
  get display(): string {
    return `${this.name} <${this.fullname ?? "?"}>`;
  }
}

class Address extends Base.model("address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String, { name: "email_address" }),
  userId: mappedColumn(ForeignKey("user_account.id"), { name: "user_id" }),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

const url = process.env.ATHANOR_ORM_URL ?? "sqlite+libsql:///orm-example.db";
await using engine = createAsyncEngine(url, { echo: true });
await engine.begin(async (conn) => {
  await Base.metadata.dropAll(conn);
  await Base.metadata.createAll(conn);
});

// 1. An object graph, committed in one unit of work: 1 INSERT for the user, 1 for both addresses.
{
  await using session = new AsyncSession(engine, { expireOnCommit: false });
  const sandy = new User({ name: "sandy", fullname: "Sandy Cheeks" });
  sandy.addresses = [new Address({ email: "sandy@sqlalchemy.org" }), new Address({ email: "sandy@squirrelpower.org" })];
  session.add(sandy);
  await session.commit();
  console.log(`-- committed ${sandy.display} with address ids ${sandy.addresses.map((a) => a.id).join(", ")}`);
}

// 2. Eager loading, and what happens without it.
{
  await using session = new AsyncSession(engine);
  const users = await session.scalars(select(User).where(User.name.eq("sandy")).options(selectinload(User.addresses)));
  for (const u of users.all()) console.log(`-- selectinload: ${u.name} has ${u.addresses.map((a) => a.email).join(", ")}`);

  const addresses = await session.scalars(select(Address).options(joinedload(Address.user)));
  for (const a of addresses.all()) console.log(`-- joinedload: ${a.email} belongs to ${a.user.name}`);
}
{
  // A new session, without eager loading: touching the relationship raises instead of querying.
  await using session = new AsyncSession(engine);
  const plain = (await session.scalars(select(Address).where(Address.email.like("%@sqlalchemy.org")))).one();
  try {
    void plain.user.name;
  } catch (e) {
    if (!(e instanceof UnloadedAttributeError)) throw e;
    console.log(`-- unloaded relationship: ${e.message}`);
  }
}

// 3. Bulk INSERT returning objects, then an UPDATE kept in step with the identity map.
{
  await using session = new AsyncSession(engine, { expireOnCommit: false });
  const inserted = await session.scalars(insert(User).returning(User), [
    { name: "spongebob", fullname: "Spongebob Squarepants" },
    { name: "patrick", fullname: null },
  ]);
  const [spongebob, patrick] = inserted.all();
  console.log(`-- bulk insert returned ${spongebob.display} and ${patrick.display}`);
  await session.execute(update(User).where(User.name.eq("patrick")).values({ fullname: "Patrick Star" }), undefined, {
    synchronizeSession: "auto",
  });
  console.log(`-- after UPDATE with synchronizeSession: ${patrick.display} (no reload needed)`);
  await session.commit();
}
