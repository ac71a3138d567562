/**
 * Transactions on an AsyncConnection: the root transaction and SAVEPOINT-based nested ones
 * (SQLAlchemy's `Transaction`, `RootTransaction`, `NestedTransaction`).
 *
 * `await using` disposal cannot see whether the block threw, so a transaction that is still
 * active when it is disposed is rolled back: commit explicitly (`await tx.commit()`), or use the
 * callback forms (`conn.begin(async (tx) => …)`), which commit on return and roll back on throw.
 * @module
 */
import { InvalidRequestError } from "../errors.js";
import type { AsyncConnection } from "./connection.js";

/** A transaction begun on a connection. */
export class Transaction {
  private _active = true;
  /** @internal */
  constructor(
    readonly connection: AsyncConnection,
    /** SAVEPOINT name for nested transactions; undefined for the root transaction. */
    readonly savepointName: string | undefined,
    /** The enclosing transaction (nested only). */
    readonly parent: Transaction | undefined,
  ) {}
  /** Whether this is a SAVEPOINT. */
  get nested(): boolean {
    return this.savepointName !== undefined;
  }
  /** False after commit or rollback. */
  get isActive(): boolean {
    return this._active;
  }
  /** @internal */
  deactivate(): void {
    this._active = false;
  }
  /** @throws InvalidRequestError with SQLAlchemy's wording ("This [nested ]transaction is inactive"). */
  private assertActive(op: string): void {
    if (!this._active) {
      const kind = this.nested ? "nested transaction" : "transaction";
      throw new InvalidRequestError(`This ${kind} is inactive (already ended by commit or rollback); cannot ${op}()`);
    }
  }
  /** COMMIT (root) or RELEASE SAVEPOINT (nested). */
  async commit(): Promise<void> {
    this.assertActive("commit");
    await this.connection._endTransaction(this, "commit");
  }
  /** ROLLBACK (root) or ROLLBACK TO SAVEPOINT (nested). */
  async rollback(): Promise<void> {
    if (!this._active) return;
    await this.connection._endTransaction(this, "rollback");
  }
  /** Roll back if still active. */
  async close(): Promise<void> {
    if (this._active) await this.rollback();
  }
  /** Rolls back a transaction that was not committed. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
