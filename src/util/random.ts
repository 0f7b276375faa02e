import { randomInt } from 'node:crypto';

/** Randomness, injected so that simulations replay from a seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

export const systemRandom: Random = {
  // randomInt's range must stay below 2^48; 47 random bits are plenty for jitter and sampling.
  next: () => randomInt(0, 2 ** 47) / 2 ** 47,
};
