import type { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { RegisterHandlers } from '../proto/generated/g2g/v1/Register';
import type { TokenMode } from '../tokens/token-entry';
import type { Clock } from '../util/clock';
import { JoinMalformedError, JoinTimeoutError, PossessionProofError } from './errors';
import { serveHandshake, type HandshakeGate, type HandshakeOutcome } from './handshake-call';
import { RejoinServerHandshake, type ProvenMember } from './rejoin-handshake';

/** A member that proved itself on Register.Rejoin: the node decides whether to take its record. */
export interface ReadmitRequest {
  record: NodeRecord__Output;
  mode: TokenMode;
  /** The member's IP as this node saw it. */
  observedAddress: string;
  signal: AbortSignal;
}

export type ReadmitOutcome = { peers: NodeRecord[] } | { refused: G2gError };

export interface RejoinComponents {
  nodeId: string;
  cluster: string;
  selfRecord(): NodeRecord;
  /** Fallback when the connection's own certificate cannot be read (see presentedLeafFingerprint). */
  currentLeafFingerprint(): string;
  readmit(request: ReadmitRequest): Promise<ReadmitOutcome>;
  clock: Clock;
  log: Logger;
  onOutcome?: (outcome: HandshakeOutcome) => void;
}

/** Register.Rejoin over RejoinServerHandshake (rejoin-handshake.ts), served like Join (handshake-call.ts). */
export function rejoinHandler(
  components: RejoinComponents,
  gate: HandshakeGate,
  options: { stepTimeoutMs: number; helloTimeoutMs?: number; leafOf: (call: unknown) => string | undefined },
): RegisterHandlers['Rejoin'] {
  const { stepTimeoutMs, leafOf } = options;
  const helloTimeoutMs = options.helloTimeoutMs ?? stepTimeoutMs;
  const environment = { gate, clock: components.clock, log: components.log, stepTimeoutMs, helloTimeoutMs, onOutcome: components.onOutcome };
  return (call) => {
    let handshake: RejoinServerHandshake | undefined;
    serveHandshake(call, {
      name: 'rejoin',
      start: () => (handshake = new RejoinServerHandshake({ cluster: components.cluster, nodeId: components.nodeId, leafFingerprint: leafOf(call) ?? components.currentLeafFingerprint() })),
      stalled: (awaiting) => (awaiting === 'proof' ? new PossessionProofError(`no proof within ${stepTimeoutMs} ms`) : new JoinTimeoutError(`no hello within ${helloTimeoutMs} ms`)),
      closedEarly: (awaiting) => new JoinMalformedError(awaiting === 'proof' ? 'the member gave up before its proof' : 'the member closed the stream before sending a hello'),
      cancelIsFailure: (awaiting) => awaiting === 'hello',
      admit: async (member: ProvenMember, { observedAddress, signal, fields }) => {
        const nodeId = member.record.nodeId;
        fields.nodeId = nodeId;
        const outcome = await components.readmit({ record: member.record, mode: member.mode, observedAddress, signal });
        if ('refused' in outcome) throw outcome.refused;
        return {
          welcome: handshake!.welcome(components.selfRecord(), outcome.peers),
          log: { fields: { nodeId }, message: 'member rejoined after a node-CA rotation it proved' },
        };
      },
    }, environment);
  };
}
