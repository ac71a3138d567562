/**
 * D1 backend: `d1(env.DB)`. No `nodejs_compat` needed. D1 has no interactive transactions, so
 * a session's commit goes out as one atomic `db.batch([...])`.
 * @module
 */
import { d1, type D1DatabaseLike } from "athanor/adapters/d1";
import type { Driver } from "athanor";
import { countD1Requests, type RequestCounter } from "../request-count.js";

/** Bindings this backend reads. */
export interface D1Env {
  readonly DB: D1DatabaseLike;
}

/** A driver over this request's D1 binding, counting D1 requests at the binding. */
export function d1Backend(env: D1Env, counter: RequestCounter): Driver {
  return d1(countD1Requests(env.DB, counter));
}
