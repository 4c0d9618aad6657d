// Accessibility audit of the real window with axe-core, for test mode only.
// axe-core is loaded with a dynamic import, so Vite gives it a chunk of its
// own that only a test scenario ever fetches: the release bundle stays as it was.

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
  const axe = (await import('axe-core')).default;
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
