import type { G2gConfig } from '../config';
import type { EventJournal } from '../events/event-journal';
import type { CaRotator } from '../identity/ca-rotator';
import type { Logger } from '../log/logger';
import type { NodeMetrics } from '../metrics/metrics';
import { DEFAULT_JOIN_THROTTLE } from '../register/join-throttle';
import { registerService, type RegisterService } from '../register/register-service';
import type { TokenStore } from '../tokens/token-store';
import { recordToWire } from '../transport/gossip-wire';
import type { Clock } from '../util/clock';
import type { NodeMembership } from './node-membership';

export interface NodeRegisterServiceComponents {
  config: Pick<G2gConfig, 'cluster' | 'joinHandshakes' | 'joinHandshakesPerSource' | 'joinHelloTimeout' | 'joinFailureBudget'>;
  nodeId: string;
  caRotator: CaRotator;
  network: NodeMembership;
  tokens: TokenStore;
  currentLeafFingerprint(): string;
  metrics: NodeMetrics;
  events: EventJournal;
  clock: Clock;
  log: Logger;
}

/** The register port's service as a node runs it: admission by membership, every outcome counted and journalled. */
export function nodeRegisterService(c: NodeRegisterServiceComponents): RegisterService {
  const { config, network, caRotator } = c;
  return registerService(
    {
      nodeId: c.nodeId,
      cluster: config.cluster,
      caCertPem: () => caRotator.issuing().certPem,
      caLineage: () => caRotator.current().lineage ?? [],
      selfRecord: () => recordToWire(network.localRecord()!),
      tokens: c.tokens,
      currentLeafFingerprint: () => c.currentLeafFingerprint(),
      admit: (request) => network.admit(request),
      readmit: (request) => network.readmit(request),
      onOutcome: (outcome) => {
        c.metrics.joinAttempts.inc({ result: outcome.admitted ? 'admitted' : 'refused', code: outcome.code ?? '' });
        c.events.record({
          type: outcome.admitted ? 'join_admitted' : 'join_refused',
          nodeId: outcome.nodeId ?? '',
          detail: `${outcome.handshake} from ${outcome.peer}`,
          ...(outcome.code ? { code: outcome.code } : {}),
        });
      },
      clock: c.clock,
      log: c.log,
    },
    {
      maxConcurrentHandshakes: config.joinHandshakes,
      maxHandshakesPerSource: config.joinHandshakesPerSource,
      helloTimeoutMs: config.joinHelloTimeout,
      throttle: { ...DEFAULT_JOIN_THROTTLE, globalBurst: config.joinFailureBudget, globalRefillMs: 60_000 / config.joinFailureBudget },
    },
  );
}
