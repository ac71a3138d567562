/**
 * Which AsyncSession a session id belongs to, for `objectSession(obj)` and
 * `inspect(obj).session` (SQLAlchemy's `_sessions` registry behind `object_session()`). States
 * keep only their session's id; this map turns it back into the session without keeping the
 * session alive (a session the application dropped reads as gone).
 * @module
 */
import type { AsyncSession } from "./session.js";

const sessions = new Map<number, WeakRef<AsyncSession>>();
/** Size after the last sweep: the next sweep runs when the map has doubled since. */
let swept = 0;

/** Record a new session under its id. @internal */
export function registerSession(session: AsyncSession): void {
  // Entries of collected sessions are swept as the map grows (amortized O(1) per session), not
  // by a FinalizationRegistry, whose callbacks some edge runtimes never run.
  if (sessions.size >= Math.max(64, swept * 2)) {
    for (const [id, ref] of sessions) if (ref.deref() === undefined) sessions.delete(id);
    swept = sessions.size;
  }
  sessions.set(session.id, new WeakRef(session));
}

/** The live session with id `id`, or null. @internal */
export function sessionById(id: number | undefined): AsyncSession | null {
  if (id === undefined) return null;
  return sessions.get(id)?.deref() ?? null;
}

/** Every session not yet garbage-collected, oldest first (closeAllSessions()). @internal */
export function liveSessions(): AsyncSession[] {
  const out: AsyncSession[] = [];
  for (const [id, ref] of sessions) {
    const s = ref.deref();
    if (s === undefined) sessions.delete(id);
    else out.push(s);
  }
  return out;
}
