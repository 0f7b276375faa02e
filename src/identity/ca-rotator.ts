import { X509Certificate } from 'node:crypto';
import { NodeStateError } from '../errors';
import type { Logger } from '../log/logger';
import type { Clock, TimerHandle } from '../util/clock';
import { endorse } from './ca-lineage';
import { certFingerprint } from './cert-info';
import { finishCaRotation, writeCaRotation, type CaRotationState } from './ca-rotation-store';
import { generateRsaKeyPair } from './keygen';
import { createNodeCa, type NodeCa } from './node-ca';

export interface CaRotatorOptions {
  dataDir: string;
  clock: Clock;
  /** Already scoped by the caller. */
  log: Logger;
  /** Validity of a new node CA. */
  caLifetimeMs: number;
  /**
   * The rotation's grace period: the new CA is published at once, leaves switch to it
   * `switchBeforeEndMs` before the end (until then every member has time to learn it from the
   * gossiped record), and the previous CA is trusted until the end.
   */
  graceMs: number;
  /**
   * The node's maxConnectionAge: connections opened with a leaf of the previous CA just before
   * the switch are closed by then, before the previous CA leaves the trust bundles.
   */
  switchBeforeEndMs: number;
  /** Rotate automatically once the current CA has less than this left. */
  renewBeforeMs: number;
  keyBits?: number;
  /** A new CA was made and endorsed: publish it (and still trust, and issue from, the previous one). */
  onStarted(current: NodeCa, previous: NodeCa): void;
  /** Leaves must now be issued by `current`. */
  onSwitched(current: NodeCa): void;
  /** The grace period ended: the previous CA is no longer published or trusted. */
  onRetired(current: NodeCa): void;
}

export interface CaRotationResult {
  previousFingerprint: string;
  fingerprint: string;
  switchAtMs: number;
  retireAtMs: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Node-CA rotation (`g2g rotate --ca`, and automatically before the CA expires). The
 * node id does not change: it stays the one the original CA's key derives, and the new CA is
 * endorsed by the previous CA's key (ca-lineage.ts), a lineage every record carries. Three steps,
 * each persisted so a restart resumes where it was:
 *
 * 1. start: a new key and CA certificate, endorsed by the current key; the record publishes the
 *    new CA and the previous one; leaves are still issued by the previous CA, because members
 *    that have not yet learnt the new one would refuse them;
 * 2. switch (maxConnectionAge before the end of the grace period): leaves are issued by the new CA;
 * 3. retire (at the end): the previous CA leaves the record, every trust bundle and pin, and its
 *    key is deleted.
 */
export class CaRotator {
  private ca: NodeCa;
  private rotation: CaRotationState | undefined;
  private timer: TimerHandle | undefined;
  private running = false;
  private inFlight: Promise<CaRotationResult> | undefined;

  constructor(ca: NodeCa, rotation: CaRotationState | undefined, private readonly opts: CaRotatorOptions) {
    if (!(opts.graceMs > opts.switchBeforeEndMs && opts.switchBeforeEndMs >= 0)) {
      throw new RangeError(`graceMs must exceed switchBeforeEndMs >= 0, got ${opts.graceMs} and ${opts.switchBeforeEndMs}`);
    }
    this.ca = ca;
    this.rotation = rotation;
  }

  /** The newest CA (what the record names and operators' certificates come from). */
  current(): NodeCa {
    return this.ca;
  }

  /** The CA that issues leaves now: the previous one until the switch, then the current one. */
  issuing(): NodeCa {
    const r = this.rotation;
    if (r && this.opts.clock.now() < r.switchAtMs) return { nodeId: this.ca.nodeId, certPem: r.previous.certPem, keyPem: r.previous.keyPem, fingerprint: certFingerprint(r.previous.certPem) };
    return this.ca;
  }

  /** The previous CA certificate while the grace period lasts. */
  previousCertPem(): string | undefined {
    return this.rotation?.previous.certPem;
  }

  /** The rotation in its grace period, if any. */
  inProgress(): CaRotationState | undefined {
    return this.rotation;
  }

  /** Schedules what is due: a restored rotation's next step, or the automatic rotation before expiry. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Starts a rotation now. Refused while one is in its grace period (the previous CA must retire first). */
  rotate(reason: string): Promise<CaRotationResult> {
    if (!this.running) return Promise.reject(new NodeStateError('the CA rotator is not running'));
    if (this.inFlight) return this.inFlight;
    if (this.rotation) {
      return Promise.reject(new NodeStateError(`a node CA rotation is in progress until ${new Date(this.rotation.retireAtMs).toISOString()}; rotate again after it`));
    }
    this.inFlight = this.begin(reason).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async begin(reason: string): Promise<CaRotationResult> {
    const previous = this.ca;
    const keyPair = await generateRsaKeyPair(this.opts.keyBits);
    const now = this.opts.clock.now();
    const generation = (previous.lineage?.length ?? 1) + 1;
    const made = createNodeCa({ keyPair, now: new Date(now), lifetimeMs: this.opts.caLifetimeMs, nodeId: previous.nodeId, generation });
    const lineage = [...(previous.lineage ?? [{ caCertPem: previous.certPem, signature: new Uint8Array(0) }]), endorse(previous.nodeId, made.certPem, previous.keyPem)];
    const next: NodeCa = { ...made, nodeId: previous.nodeId, lineage };
    const times = { startedAtMs: now, switchAtMs: now + this.opts.graceMs - this.opts.switchBeforeEndMs, retireAtMs: now + this.opts.graceMs };
    await writeCaRotation(this.opts.dataDir, previous, next, times);
    this.ca = next;
    this.rotation = { ...times, previous: { certPem: previous.certPem, keyPem: previous.keyPem } };
    this.opts.log.warn(
      { reason, previous: previous.fingerprint, fingerprint: next.fingerprint, switchAt: new Date(times.switchAtMs).toISOString(), retireAt: new Date(times.retireAtMs).toISOString() },
      'node CA rotation started: the new CA is published, endorsed by the previous one',
    );
    this.opts.onStarted(next, { nodeId: previous.nodeId, certPem: previous.certPem, keyPem: previous.keyPem, fingerprint: previous.fingerprint });
    this.schedule();
    return { previousFingerprint: previous.fingerprint, fingerprint: next.fingerprint, ...times };
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.running) return;
    const r = this.rotation;
    const now = this.opts.clock.now();
    let at: number;
    let step: () => void;
    if (r && now < r.switchAtMs) {
      at = r.switchAtMs;
      step = () => {
        this.opts.log.info({ fingerprint: this.ca.fingerprint }, 'node CA rotation: leaves are now issued by the new CA');
        this.opts.onSwitched(this.ca);
        this.schedule();
      };
    } else if (r) {
      at = r.retireAtMs;
      step = () => void this.retire();
    } else {
      at = notAfter(this.ca) - this.opts.renewBeforeMs;
      step = () => {
        this.rotate('the node CA expires soon').catch((error: unknown) =>
          this.opts.log.error({ err: (error as Error).message }, 'automatic node CA rotation failed'),
        );
      };
    }
    const arm = () => {
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = undefined;
        if (!this.running) return;
        if (this.opts.clock.now() < at) return arm();
        step();
      }, Math.min(MAX_TIMER_MS, Math.max(0, at - this.opts.clock.now())));
    };
    arm();
  }

  private async retire(): Promise<void> {
    try {
      await finishCaRotation(this.opts.dataDir, this.ca);
    } catch (error) {
      this.opts.log.error({ err: (error as Error).message }, 'could not remove the previous node CA key; it is retired anyway');
    }
    this.rotation = undefined;
    this.opts.log.info({ fingerprint: this.ca.fingerprint }, 'node CA rotation finished: the previous CA is no longer trusted');
    this.opts.onRetired(this.ca);
    this.schedule();
  }
}

function notAfter(ca: NodeCa): number {
  return new Date(new X509Certificate(ca.certPem).validTo).getTime();
}
