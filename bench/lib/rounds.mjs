// Alternating rounds: every subject of a row is measured once per round, in an order that flips
// each round, so slow drifts of a shared machine hit every subject alike.

/**
 * Runs `measure(subject, round)` for each subject in each of `rounds` rounds (forward order on
 * even rounds, reversed on odd ones) and collects the results per subject name, in round order.
 */
export async function alternate(rounds, subjects, measure) {
  const results = Object.fromEntries(subjects.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) results[subject].push(await measure(subject, round));
  }
  return results;
}

/** A row's samples per subject, reshaped from `[{ rps, p99Ms }, ...]` into `{ rps: [...], p99Ms: [...] }`. */
export function columns(samples) {
  const keys = Object.keys(samples[0] ?? {});
  return Object.fromEntries(keys.map((key) => [key, samples.map((sample) => sample[key])]));
}
