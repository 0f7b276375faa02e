import type { MembershipEventView, MembershipView, PluginMember } from '../contract';
import type { FakeNetwork } from './fake-network';

/** The testing kit's {@link MembershipView}: the other members of the fake network. */
export class FakeMembershipView implements MembershipView {
  constructor(
    private readonly network: FakeNetwork,
    readonly self: string,
  ) {}

  list(): PluginMember[] {
    return this.network.membersSeenBy(this.self);
  }

  get(nodeId: string): PluginMember | undefined {
    return nodeId === this.self ? undefined : this.network.member(nodeId);
  }

  onChange(listener: (event: MembershipEventView) => void): () => void {
    return this.network.onChange(this.self, listener);
  }
}
