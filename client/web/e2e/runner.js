// runner.js: the smallest test runner: named steps run in order, the first
// failure ends the story (later steps build on it), and the process exits
// non-zero when anything failed.
const results = [];
let failed = false;

export class Failure extends Error {}

export function expect(got, want, what) {
  if (got !== want) throw new Failure(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

export async function step(name, fn) {
  if (failed) { results.push({ name, skipped: true }); console.log(`  skip  ${name}`); return; }
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok    ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  } catch (err) {
    failed = true;
    results.push({ name, ok: false, err });
    console.log(`  FAIL  ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)\n        ${String(err && err.stack || err).split('\n').slice(0, 6).join('\n        ')}`);
    if (step.onFail) await step.onFail(name).catch(() => {});
  }
}

export function summary() {
  const ok = results.filter((r) => r.ok).length;
  console.log(`e2e: ${ok} passed, ${results.filter((r) => r.ok === false).length} failed, ${results.filter((r) => r.skipped).length} skipped`);
  return !failed && results.length > 0;
}
