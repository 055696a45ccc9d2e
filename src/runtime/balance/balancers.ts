/**
 * Balancers: how one instance is picked for a call among the instances that may take it.
 * Each is a small object with state of its own (a counter, current weights), made per connection.
 */

/** What a balancer sees of an instance. */
export interface Candidate {
  /** The instance id, stable while the instance lives. */
  readonly id: string;
  /** Relative share for the weighted balancer (metadata `weight`, default 1). */
  readonly weight: number;
  /** Calls this client has in flight on the instance right now. */
  readonly inFlight: number;
}

/** Picks one of a non-empty list of candidates. */
export interface Balancer {
  pick<C extends Candidate>(candidates: readonly C[]): C;
}

/** The built-in balancers, by name. */
export type BalancerName = "round-robin" | "random" | "weighted" | "p2c";

/** The balancer names, for validating settings. */
export const BALANCER_NAMES: readonly BalancerName[] = ["round-robin", "random", "weighted", "p2c"];

/**
 * Makes a built-in balancer. `random` returns a number in [0, 1) (default Math.random); tests
 * pass a seeded one.
 */
export function createBalancer(name: BalancerName, random: () => number = Math.random): Balancer {
  switch (name) {
    case "round-robin":
      return roundRobin();
    case "random":
      return { pick: (candidates) => candidates[randomIndex(candidates.length, random)]! };
    case "weighted":
      return smoothWeighted();
    case "p2c":
      return powerOfTwoChoices(random);
  }
}

/** Each candidate in turn. The order is the candidate list's (sorted by id by the caller). */
function roundRobin(): Balancer {
  let next = 0;
  return {
    pick(candidates) {
      const chosen = candidates[next % candidates.length]!;
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return chosen;
    },
  };
}

/**
 * Smooth weighted round-robin (as nginx does it): every candidate gains its weight, the richest is
 * picked and pays the total. Shares are exactly proportional over each cycle, and a heavy instance
 * is not hit in bursts.
 */
function smoothWeighted(): Balancer {
  const current = new Map<string, number>();
  return {
    pick(candidates) {
      let total = 0;
      let best = candidates[0]!;
      let bestScore = -Infinity;
      for (const candidate of candidates) {
        const score = (current.get(candidate.id) ?? 0) + candidate.weight;
        current.set(candidate.id, score);
        total += candidate.weight;
        if (score > bestScore) [best, bestScore] = [candidate, score];
      }
      current.set(best.id, bestScore - total);
      // Instances that left would otherwise stay in the map forever.
      if (current.size > 2 * candidates.length) pruneTo(current, candidates);
      return best;
    },
  };
}

/**
 * Power of two choices: two distinct candidates at random, the one with fewer calls in flight wins
 * (a tie goes to the first drawn). Sends less to a slow instance, whose calls pile up, without the
 * herding of always picking the least loaded.
 */
function powerOfTwoChoices(random: () => number): Balancer {
  return {
    pick(candidates) {
      if (candidates.length === 1) return candidates[0]!;
      const first = randomIndex(candidates.length, random);
      // A second index among the others: draw from n-1 and skip over the first.
      let second = randomIndex(candidates.length - 1, random);
      if (second >= first) second++;
      const a = candidates[first]!;
      const b = candidates[second]!;
      return b.inFlight < a.inFlight ? b : a;
    },
  };
}

function randomIndex(length: number, random: () => number): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

function pruneTo(current: Map<string, number>, candidates: readonly Candidate[]): void {
  const live = new Set(candidates.map((c) => c.id));
  for (const id of current.keys()) if (!live.has(id)) current.delete(id);
}
