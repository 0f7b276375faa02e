import assert from 'node:assert/strict';

/**
 * Polls `check` until it returns true, bounded by `timeoutMs` (real processes converge in their
 * own time; tests wait for a state, never for a duration). Thrown errors count as "not yet", and
 * the last one is reported if time runs out.
 */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 45_000, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  assert.fail(`${what}: not reached in time${last ? ` (${(last as Error).message})` : ''}`);
}
