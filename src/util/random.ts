import { randomInt } from 'node:crypto';

/** Randomness, injected so that simulations replay from a seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

export const systemRandom: Random = {
  next: () => randomInt(0, 2 ** 48) / 2 ** 48,
};
