import { it } from "vitest";
import { select, createAsyncEngine } from "athanor";
import { sqliteDialect } from "athanor/dialects/sqlite";
import { defineModels } from "/work/main/test/orm/session/models.js";
import { planOrmSelect } from "/work/main/src/orm/loading.js";
const { User } = defineModels("x");
it("x", () => {
  const s = select(User.name).orderBy(User.name);
  console.log(String(s.compile?.(sqliteDialect) ?? ""));
  const p = planOrmSelect(s as never);
  console.log(String(p.stmt.compile?.(sqliteDialect) ?? ""));
  console.log(String(select(User.id, User.name).compile?.(sqliteDialect) ?? ""));
});
