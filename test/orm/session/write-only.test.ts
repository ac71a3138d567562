import { describe, expect, it } from "vitest";
import { ArgumentError, InvalidRequestError, func, objectState, select, writeOnlyCollection } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sess_wo");
const { User, Note, Tag } = M;

describe.each(dialectTargets())("write-only collections on $name", (target) => {
  const db = useDb(target, M);

  it("add/addAll on a new parent are flushed with it; select() reads the related rows", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u = new User({ name: "writer" });
    const notes = writeOnlyCollection(u, User.notes);
    notes.addAll([new Note({ body: "first" }), new Note({ body: "second", priority: 2 })]);
    expect(notes.pending.added.map((n) => n.body)).toEqual(["first", "second"]);
    s.add(u);
    db.counting.reset();
    await s.commit();
    expect(db.counting.statements.filter((q) => /^INSERT/.test(q))).toHaveLength(2);
    expect(notes.pending.added).toEqual([]);
    const got = (await s.scalars(notes.select())).all();
    expect(got.map((n) => n.body).sort()).toEqual(["first", "second"]);
    expect(got.every((n) => n.userId === u.id)).toBe(true);
    const sql = String(notes.select());
    expect(sql).toMatch(/WHERE .*user_id = /);
    // Refine the statement like any select.
    const top = (await s.scalars(notes.select().where(Note.priority.gt(1)))).all();
    expect(top.map((n) => n.body)).toEqual(["second"]);
  });

  it("add on a persistent parent (session.writeOnly) and remove with delete-orphan", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u = new User({ name: "p" });
    s.add(u);
    await s.flush();
    const notes = s.writeOnly(u, User.notes);
    const keep = new Note({ body: "keep" });
    const drop = new Note({ body: "drop" });
    notes.addAll([keep, drop]);
    expect(s.isModified(u)).toBe(true);
    expect(s.dirty).toEqual([u]);
    await s.flush();
    expect(objectState(keep)).toBe("persistent");
    expect(s.isModified(u)).toBe(false);
    notes.remove(drop);
    await s.flush();
    expect(objectState(drop)).toBe("deleted");
    expect((await s.scalars(notes.select())).all()).toEqual([keep]);
    // add then remove before a flush cancels out.
    const tmp = new Note({ body: "tmp" });
    notes.add(tmp);
    notes.remove(tmp);
    expect(notes.pending).toEqual({ added: [], removed: [] });
  });

  it("insert(), update() and delete() build statements over the related rows", async () => {
    await using s = db.session({ expireOnCommit: false });
    const a = new User({ name: "a" });
    const b = new User({ name: "b" });
    s.addAll([a, b]);
    await s.flush();
    const notesA = s.writeOnly(a, User.notes);
    await s.execute(notesA.insert(), [{ body: "n1" }, { body: "n2" }, { body: "n3", priority: 5 }]);
    await s.execute(s.writeOnly(b, User.notes).insert().values({ body: "other" }));
    expect(await s.scalar(select(func.count()).selectFrom(Note.__table__).where(Note.userId.eq(a.id)))).toBe(3);
    await s.execute(notesA.update().values({ priority: 9 }));
    expect((await s.scalars(notesA.select())).all().map((n) => n.priority)).toEqual([9, 9, 9]);
    await s.execute(notesA.delete().where(Note.body.eq("n1")));
    expect((await s.scalars(notesA.select().orderBy(Note.body))).all().map((n) => n.body)).toEqual(["n2", "n3"]);
    expect((await s.scalars(s.writeOnly(b, User.notes).select())).all().map((n) => n.body)).toEqual(["other"]);
  });

  it("many-to-many write-only: add/remove write association rows; select() joins through them", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u = new User({ name: "tagger" });
    const red = new Tag({ label: "red" });
    const blue = new Tag({ label: "blue" });
    const tags = s.writeOnly(u, User.tags);
    tags.addAll([red, blue]);
    s.add(u);
    await s.flush();
    expect((await s.scalars(tags.select().orderBy(Tag.label))).all()).toEqual([blue, red]);
    tags.remove(red);
    await s.flush();
    expect((await s.scalars(tags.select())).all()).toEqual([blue]);
    expect(objectState(red)).toBe("persistent");
    expect(() => tags.insert()).toThrow(/one-to-many collections only/);
    await s.execute(tags.update().values({ label: "BLUE" }));
    expect((await s.scalars(select(Tag.label).orderBy(Tag.label))).all()).toEqual(["BLUE", "red"]);
  });

  it("reading the attribute as a collection raises; misuse raises typed errors", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u = new User({ name: "r" });
    s.add(u);
    await s.commit();
    expect(() => (u as unknown as { notes: unknown }).notes).toThrow(InvalidRequestError);
    expect(() => (u as unknown as { notes: unknown }).notes).toThrow(/write-only collection; use session\.writeOnly\(obj, "notes"\)/);
    expect(() => writeOnlyCollection(u, User.addresses)).toThrow(ArgumentError);
    expect(() => writeOnlyCollection(u, "notes").add(new Tag({ label: "x" }) as never)).toThrow(/expected a .* instance/);
    const fresh = new User({ name: "no-pk-yet" });
    expect(() => writeOnlyCollection(fresh, User.notes).select()).toThrow(/flush the parent/);
    await expect(s.refresh(u, ["notes"])).rejects.toThrow(/write-only/);
  });
});
