/**
 * Run `sample` a few times when a module loads, before any real input. Each worker isolate meets
 * a hot function first on a whole document: V8 allocates a function's type feedback only after
 * it has run a while, and TurboFan compiles its loop early (on-stack replacement), so branches
 * the first document did not reach (rare rules, long copies, astral characters, a negative
 * number) had no feedback in that code, which was thrown away when they came up and compiled
 * again, several times per thread. A short sample that takes every branch, run enough times for
 * V8 to record it, makes the first compiled code the lasting one. The sample's results are
 * discarded, and the warmed functions keep no state between calls that could reach real output.
 */
export function warmUp(runs: number, sample: () => unknown): void {
  for (let i = 0; i < runs; i++) sample();
}
