import { api } from '../lib/api';

/** Ask Go whether a test scenario should run; if so run it and report (Go then quits). */
export async function maybeRunTestMode(): Promise<void> {
  let name = '';
  try {
    name = (await api.system.testScenario()) ?? '';
  } catch {
    return; // not in test mode, or no backend
  }
  if (!name) return;
  const { runScenario } = await import('./scenarios');
  const result = await runScenario(name);
  try {
    await api.system.testReport(JSON.stringify(result));
  } catch (e) {
    console.error('brook: could not report the test result', e, result);
  }
}
