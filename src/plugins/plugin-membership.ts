import { isServiceAddress } from '../config/formats';
import type { MemberView, MembershipEvent } from '../membership/membership';
import type { MembershipView, PluginMember } from './contract';

/** What the membership view needs from the node (src/node/node-membership.ts provides it). */
export interface MembershipSource {
  members(): MemberView[];
  /** Events of the node's membership; may be subscribed before membership starts. */
  onEvent(listener: (event: MembershipEvent) => void): () => void;
}

/** A read-only view of the node's membership for one plugin. Listener errors are logged by the caller, not thrown into membership. */
export function membershipView(self: string, source: MembershipSource, onListenerError: (error: unknown) => void): MembershipView {
  return {
    self,
    list: () => source.members().map(pluginMember),
    get(nodeId) {
      const member = source.members().find((m) => m.nodeId === nodeId);
      return member ? pluginMember(member) : undefined;
    },
    onChange(listener) {
      return source.onEvent((event) => {
        try {
          listener({ type: event.type, nodeId: event.nodeId });
        } catch (error) {
          onListenerError(error);
        }
      });
    },
  };
}

export function pluginMember(m: MemberView): PluginMember {
  return {
    nodeId: m.nodeId,
    mode: m.mode,
    state: m.state,
    addresses: [...m.addresses],
    gossipPort: m.record.gossipPort,
    // A record's `services` also holds well-known addresses (host:port) the node joins through.
    services: advertisedServices(m.record.services),
  };
}

/** The gRPC service names in a record's `services` (well-known host:port addresses left out). */
export function advertisedServices(services: readonly string[]): string[] {
  return services.filter((s) => !isServiceAddress(s));
}
