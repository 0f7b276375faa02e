import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';
import { HealthWatchLimiter, type HealthWatchLimits } from './health-watch-limit';

/**
 * grpc.health.v1 for one port: `''` (the whole node) and every service the port serves.
 * Check, Watch and List come from grpc-health-check; this class only owns the set of names.
 */
export class PortHealth {
  private readonly implementation = new HealthImplementation();
  private readonly services = new Set<string>(['']);
  private readonly independent = new Set<string>();

  constructor(services: readonly string[], initial: ServingStatus = 'NOT_SERVING') {
    for (const name of services) this.services.add(name);
    this.setAll(initial);
  }

  /**
   * Adds a service name with its own status. With `followsPort` false (a plugin's service) the
   * name is left out of `setAll`: its owner sets it, so the port going SERVING cannot report a
   * stopped or failed plugin as serving.
   */
  addService(name: string, status: ServingStatus, followsPort = true): void {
    if (followsPort) this.services.add(name);
    else this.independent.add(name);
    this.implementation.setStatus(name, status);
  }

  set(name: string, status: ServingStatus): void {
    this.implementation.setStatus(name, status);
  }

  setAll(status: ServingStatus): void {
    for (const name of this.services) this.implementation.setStatus(name, status);
  }

  serviceNames(): string[] {
    return [...this.services, ...this.independent];
  }

  /**
   * Serves this health on `server`; with `watchLimits`, open Watch streams on that server are
   * bounded (the returned limiter counts them and its refusals).
   */
  addToServer(server: Pick<Server, 'addService'>, watchLimits?: HealthWatchLimits): HealthWatchLimiter | undefined {
    if (!watchLimits) {
      this.implementation.addToServer(server);
      return undefined;
    }
    const limiter = new HealthWatchLimiter(watchLimits);
    this.implementation.addToServer(limiter.server(server));
    return limiter;
  }
}
