/**
 * The ORM benchmark report: one markdown row per variant (variant, dialect, seconds, ratio to
 * the raw driver, goal, pass/fail), plus free-form sections (memory samples, page sizes).
 * @module
 */
import type { Timing } from "./measure.js";

/** One row of the main table. */
export interface ReportRow {
  readonly suite: string;
  readonly variant: string;
  readonly dialect: string;
  /** Seconds (undefined for rows that are not timings, e.g. an error). */
  readonly seconds: number | undefined;
  /** Seconds were extrapolated from a run stopped by the budget (a lower bound). */
  readonly extrapolated?: boolean;
  readonly ratio: number | undefined;
  readonly goal: string;
  readonly pass: boolean | undefined;
}

/** A titled markdown block after the main table. */
export interface ReportSection {
  readonly title: string;
  readonly markdown: string;
}

/** What one suite on one database contributes. */
export interface SuiteOutcome {
  readonly rows: readonly ReportRow[];
  readonly sections: readonly ReportSection[];
}

/** Rows for timings: ratios against the fastest raw timing. */
export function timingRows(suite: string, dialect: string, timings: readonly Timing[]): ReportRow[] {
  const raws = timings.filter((t) => t.raw);
  const base = raws.length ? Math.min(...raws.map((t) => t.seconds)) : undefined;
  return timings.map((t) => {
    // A variant is compared with the raw runs paired with it (measure.ts); raw rows with the fastest raw.
    const against = t.baseline ?? base;
    const ratio = t.pairRatio ?? (against === undefined ? undefined : t.seconds / against);
    const stopped = t.extrapolated ? ` (stopped at ${t.done.toLocaleString("en-US")} rows by the budget, extrapolated)` : "";
    const best = t.bestRatio !== undefined && t.done === t.n && t.pairRatio !== undefined ? `; best ${t.bestRatio.toFixed(2)}×` : "";
    const cpu = `${best}${t.cpuRatio !== undefined ? `; CPU ${t.cpuRatio.toFixed(2)}×` : ""}`;
    const paired = t.baseline !== undefined ? ` [paired raw ${t.baseline.toFixed(3)} s${cpu}]` : "";
    return {
      suite,
      variant: `${t.name}${stopped}${paired}`,
      dialect,
      seconds: t.seconds,
      extrapolated: t.extrapolated,
      ratio,
      goal: t.goal === undefined ? "—" : `≤ ${t.goal.toFixed(2)}×`,
      pass: t.goal === undefined || ratio === undefined ? undefined : ratio <= t.goal,
    };
  });
}

const fmtS = (r: ReportRow): string =>
  r.seconds === undefined ? "—" : `${r.extrapolated ? "≥ " : ""}${r.seconds < 0.01 ? r.seconds.toFixed(4) : r.seconds.toFixed(3)}`;
const fmtR = (r: ReportRow): string => (r.ratio === undefined ? "—" : `${r.extrapolated ? "≥ " : ""}${r.ratio.toFixed(2)}×`);
const fmtP = (p: boolean | undefined): string => (p === undefined ? "—" : p ? "pass" : "**FAIL**");

/** A markdown table from a header and string cells. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The whole report. */
export function renderReport(title: string, preamble: string, outcomes: readonly SuiteOutcome[]): string {
  const rows = outcomes.flatMap((o) => o.rows);
  const table = markdownTable(
    ["suite", "variant", "dialect", "seconds", "ratio to raw", "goal", "pass/fail"],
    rows.map((r) => [r.suite, r.variant, r.dialect, fmtS(r), fmtR(r), r.goal, fmtP(r.pass)]),
  );
  const parts = [`# ${title}`, preamble, table];
  for (const s of outcomes.flatMap((o) => o.sections)) parts.push(`## ${s.title}`, s.markdown);
  return parts.join("\n\n") + "\n";
}
