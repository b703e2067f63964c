/** The p-th percentile (nearest rank) of an ascending array; 0 for an empty one. */
export const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
