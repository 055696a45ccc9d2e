// Small statistics over the rounds of one benchmark row.

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of `values`; undefined for none. */
export function summary(values) {
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/**
 * The ratio of `subject` to `baseline` per round (both measured in the same round, one after the
 * other), summarised: the median ratio and its min-max over the rounds.
 */
export function ratioSummary(subject, baseline) {
  const ratios = subject.map((value, i) => value / baseline[i]).filter((r) => Number.isFinite(r));
  return summary(ratios);
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
