// Accessibility audit of the real window with axe-core, for test mode only.
// axe-core is not in the bundle: a test build of Brook serves it from
// frontend/node_modules at /test/axe.min.js (app/testhooks.go), so neither
// the release bundle nor the release binary carries it.
import type { AxeResults, RunOptions } from 'axe-core';

type Axe = { run(context: Document, options: RunOptions): Promise<AxeResults> };

let loading: Promise<Axe> | undefined;

/** Loads axe-core once, as a classic script from the test build's own origin (the CSP allows 'self'). */
function loadAxe(): Promise<Axe> {
  loading ??= new Promise<Axe>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/test/axe.min.js';
    script.onload = () => {
      const axe = (window as unknown as { axe?: Axe }).axe;
      if (axe) resolve(axe);
      else reject(new Error('axe-core loaded but did not define window.axe'));
    };
    script.onerror = () => reject(new Error('axe-core could not be loaded from /test/axe.min.js (is BROOK_TEST_AXE set?)'));
    document.head.append(script);
  });
  return loading;
}

/** How many axe violations of each impact the page has. */
export type ImpactCounts = { critical: number; serious: number; moderate: number; minor: number };

/** One axe rule that failed, with where and why. */
export type A11yViolation = { id: string; impact: string; help: string; targets: string[] };

export type A11yReport = { counts: ImpactCounts; violations: A11yViolation[] };

// WCAG 2.2 A and AA, plus axe's best practices (counted, and failing the test
// only when serious or critical).
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Runs axe-core on the whole document and sums its violations by impact. */
export async function audit(): Promise<A11yReport> {
  const axe = await loadAxe();
  const results = await axe.run(document, { runOnly: { type: 'tag', values: TAGS }, resultTypes: ['violations'] });
  const counts: ImpactCounts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const violations: A11yViolation[] = [];
  for (const v of results.violations) {
    const impact = v.impact ?? 'minor';
    // Counted per element, as axe lists them: three buttons without a name are three.
    counts[impact as keyof ImpactCounts] += v.nodes.length;
    violations.push({
      id: v.id,
      impact,
      help: v.help,
      // The first few targets are enough to find the rest.
      targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ') + (n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)})` : '')),
    });
  }
  return { counts, violations };
}
