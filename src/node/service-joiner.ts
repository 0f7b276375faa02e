import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import { repeatingTask, type RepeatingTask } from '../util/repeating-task';

/**
 * What one attempt at a well-known service address (a load balancer in front of every node's
 * register port) came to.
 * - joined: a node we did not know answered and admitted us (a full register handshake): a new
 *   network, or the other island of ours, which we now merge with;
 * - exchanged: the node behind it is a member we hold: one gossip exchange, no handshake;
 * - self: the load balancer routed us to ourselves (the seed: "this service connection may be
 *   connecting itself");
 * - skipped: a node we do not know answered, and we hold no token to join it with;
 * - failed: no answer (`answered` false: nothing listens, or a node not ready yet), or a refusal.
 */
export type ServiceJoinOutcome =
  | { kind: 'joined'; nodeId: string }
  | { kind: 'exchanged'; nodeId: string }
  | { kind: 'self' }
  | { kind: 'skipped'; nodeId: string; reason: string }
  | { kind: 'failed'; answered: boolean; code: string; message: string };

export interface ServiceJoinerComponents {
  clock: Clock;
  random: Random;
  log: Logger;
  /** Addresses to try this round: ours (G2G_SERVICES) first, then those members publish. */
  services(): readonly string[];
  /** One attempt at one address (a new connection: a balancer may route it anywhere). */
  attempt(address: string): Promise<ServiceJoinOutcome>;
}

export interface ServiceJoinerOptions {
  /** Mean time between rounds (ms). */
  intervalMs: number;
  /** Spread of each wait, as a fraction of intervalMs (0 to 0.5): uniform in interval × (1 ± jitter). */
  jitter: number;
  /**
   * Attempts per address and round while it routes us to ourselves or to nothing that answers:
   * a new connection is routed anew, so the next may reach another node.
   */
  attemptsPerService: number;
  /** Most addresses tried per round (a bound on what members' records can make us dial). */
  maxServicesPerRound: number;
}

export interface ServiceRound {
  /** Per address tried, the outcome of its last attempt. */
  outcomes: Array<{ address: string; outcome: ServiceJoinOutcome }>;
}

/**
 * Joins the node's services periodically, so that the network discovers itself
 * and islands merge: two pods that started together, a partition that outlived deadRetention, a
 * restored backup. Cheap when nothing changed: the node behind the service is a member, and the
 * attempt is one WhoAmI and one exchange. Rounds never overlap; a round's failures are logged,
 * never thrown (the next round tries again).
 */
export class ServiceJoiner {
  private readonly task: RepeatingTask;
  private inRound: Promise<ServiceRound> | undefined;

  constructor(private readonly c: ServiceJoinerComponents, readonly options: ServiceJoinerOptions) {
    // A round reports its failures itself and never throws; a throw here is a bug worth a line.
    this.task = repeatingTask(c.clock, () => this.round().then((r) => this.report(r)), () => this.nextDelayMs(), {
      onError: (error) => c.log.error({ err: (error as Error).message }, 'periodic service join failed'),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): void {
    this.task.stop();
  }

  /** The wait before the next round: jittered, so pods started together do not join in step. */
  nextDelayMs(): number {
    const { intervalMs, jitter } = this.options;
    return Math.max(1, Math.round(intervalMs * (1 + jitter * (2 * this.c.random.next() - 1))));
  }

  /** One round now (a round in progress is shared, not doubled). */
  round(): Promise<ServiceRound> {
    this.inRound ??= this.runRound().finally(() => (this.inRound = undefined));
    return this.inRound;
  }

  private async runRound(): Promise<ServiceRound> {
    const addresses = [...new Set(this.c.services())].slice(0, this.options.maxServicesPerRound);
    const outcomes: ServiceRound['outcomes'] = [];
    for (const address of addresses) {
      let outcome: ServiceJoinOutcome = { kind: 'failed', answered: false, code: 'ERR_JOIN_UNREACHABLE', message: 'not tried' };
      for (let i = 0; i < this.options.attemptsPerService; i++) {
        outcome = await this.c.attempt(address);
        if (!retryable(outcome)) break;
      }
      outcomes.push({ address, outcome });
    }
    return { outcomes };
  }

  private report(round: ServiceRound): void {
    for (const { address, outcome } of round.outcomes) {
      if (outcome.kind === 'joined') this.c.log.info({ service: address, nodeId: outcome.nodeId }, 'a service led to a node we did not know: joined it (networks merge)');
      else if (outcome.kind === 'failed' && outcome.answered) this.c.log.warn({ service: address, code: outcome.code, reason: outcome.message }, 'periodic service join refused');
      else this.c.log.debug({ service: address, outcome: outcome.kind }, 'periodic service join');
    }
  }
}

/** Another connection may reach another node: worth it after being routed to ourselves or to nothing. */
function retryable(outcome: ServiceJoinOutcome): boolean {
  return outcome.kind === 'self' || (outcome.kind === 'failed' && !outcome.answered);
}

/**
 * Whether another node answered a round (then a node that holds no peers must not start a
 * network of its own: it was refused, or it joined). False when every address routed us to
 * ourselves or to nothing that answered: then we may be the first node.
 */
export function anotherNodeAnswered(round: ServiceRound): boolean {
  return round.outcomes.some(({ outcome }) => outcome.kind === 'joined' || outcome.kind === 'exchanged' || outcome.kind === 'skipped' || (outcome.kind === 'failed' && outcome.answered));
}
