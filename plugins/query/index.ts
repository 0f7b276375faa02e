import * as grpc from '@grpc/grpc-js';
import { CallTimeoutError, PeerUnavailableError, RemoteCallError, unaryCall, unaryHandler, type G2gPlugin, type PluginContext, type PluginServer } from 'g2g';
import { FactsAnswerer, parseFacts, type Answerer, type Fact } from './facts';
import { fanOutWithin, OverallDeadlineError } from './fan-out';
import { mergeAnswers } from './merge';

export const QUERY_SERVICE = 'g2g.query.v1.Query';

/** `plugins.query.*` (the schema, with each key's trade-off, is in g2g-plugin.json). */
export interface QueryConfig {
  fanout: number;
  maxFanout: number;
  peerTimeout: number;
  deadline: number;
  facts: string;
}

/** Time kept back from the caller's own deadline to assemble and send the reply. */
const REPLY_MARGIN_MS = 50;

interface AskRequest {
  facts: string[];
  fanout: number;
  deadlineMs: number;
  includeSelf: boolean;
}

/** The generated client shape of `g2g.query.v1.Query` that Ask uses on peers. */
export interface QueryClient extends grpc.Client {
  Answer(req: { facts: string[] }, metadata: grpc.Metadata, options: grpc.CallOptions, cb: grpc.requestCallback<{ facts?: Fact[] }>): grpc.ClientUnaryCall;
  Answer(req: { facts: string[] }, cb: grpc.requestCallback<{ facts?: Fact[] }>): grpc.ClientUnaryCall;
}

/**
 * The `query` plugin: `Ask` fans a question out to peers in the latency-interleaved query
 * order and merges the answers, with an overall deadline and per-peer errors; `Answer` is the
 * question each peer answers locally (its facts, see facts.ts).
 */
export default class QueryPlugin implements G2gPlugin {
  private readonly answerer: Answerer;

  constructor(
    private readonly ctx: PluginContext<QueryConfig>,
    answerer?: Answerer,
  ) {
    this.answerer = answerer ?? new FactsAnswerer(parseFacts(ctx.config.facts));
  }

  register(server: PluginServer): void {
    server.addService(QUERY_SERVICE, {
      Ask: unaryHandler(this.ctx.log, 'Query.Ask', (call: grpc.ServerUnaryCall<AskRequest, unknown>) => this.ask(call.request, deadlineOf(call))),
      Answer: unaryHandler(this.ctx.log, 'Query.Answer', async (call: grpc.ServerUnaryCall<{ facts: string[] }, unknown>) => ({
        facts: await this.answerer.answer(call.request.facts ?? []),
      })),
    });
  }

  /** Asks peers (and this node, if asked to) and merges the answers. */
  async ask(request: Partial<AskRequest>, callerDeadlineMs = Infinity): Promise<object> {
    const config = this.ctx.config;
    const wanted = [...new Set(request.facts ?? [])];
    const k = request.fanout && request.fanout > 0 ? Math.min(request.fanout, config.maxFanout) : config.fanout;
    let totalMs = request.deadlineMs && request.deadlineMs > 0 ? request.deadlineMs : config.deadline;
    if (Number.isFinite(callerDeadlineMs)) totalMs = Math.max(0, Math.min(totalMs, callerDeadlineMs - this.ctx.clock.now() - REPLY_MARGIN_MS));

    const selfAnswer = request.includeSelf ? { nodeId: this.ctx.nodeId, facts: await this.answerer.answer(wanted), latencyMs: 0, position: -1 } : undefined;
    const outcome = await fanOutWithin<Fact[], QueryClient>(
      this.ctx.pool,
      this.ctx.clock,
      k,
      (client, _nodeId, deadline, cancel) =>
        unaryCall(client, 'Answer', { facts: wanted }, {
          deadline,
          started: (asked) => cancel.cancelOnEnd(asked), // a peer still asked when k others have answered is not waited for
        }).then((response) => response?.facts ?? []),
      // The pool's deadlines are on the context's clock (real time on a node, the kit's clock in tests).
      { perPeerMs: config.peerTimeout, totalMs, service: QUERY_SERVICE, now: () => this.ctx.clock.now() },
    );
    const answers = [
      ...(selfAnswer ? [selfAnswer] : []),
      ...outcome.results.map((r) => ({ nodeId: r.nodeId, facts: r.value, latencyMs: Math.round(r.latencyMs), position: r.position })),
    ];
    return {
      answers,
      errors: outcome.errors.map((e) => ({ nodeId: e.nodeId, ...describeError(e.error) })),
      summary: mergeAnswers(answers, wanted),
      complete: outcome.complete,
      peersKnown: this.ctx.members.list().filter((m) => m.mode === 'server' && m.state === 'alive').length,
    };
  }
}

/** A peer's failure as the reply shows it: the status name and the peer's message, no stack. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof OverallDeadlineError) return { code: 'DEADLINE_EXCEEDED', message: error.message };
  if (error instanceof RemoteCallError) return { code: grpc.status[error.status] ?? 'UNKNOWN', message: error.details };
  if (error instanceof CallTimeoutError || error instanceof PeerUnavailableError) return { code: grpc.status[error.status]!, message: error.message };
  const e = error as Partial<grpc.ServiceError> | undefined;
  if (e && typeof e.code === 'number' && grpc.status[e.code] !== undefined) {
    return { code: grpc.status[e.code]!, message: e.details ?? '' };
  }
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : Number(d);
  return Number.isFinite(ms) && ms > 0 ? ms : Infinity;
}
