import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GreeterClient as _example_greeter_v1_GreeterClient, GreeterDefinition as _example_greeter_v1_GreeterDefinition } from './example/greeter/v1/Greeter';
import type { HeardRequest as _example_greeter_v1_HeardRequest, HeardRequest__Output as _example_greeter_v1_HeardRequest__Output } from './example/greeter/v1/HeardRequest';
import type { HeardResponse as _example_greeter_v1_HeardResponse, HeardResponse__Output as _example_greeter_v1_HeardResponse__Output } from './example/greeter/v1/HeardResponse';
import type { HelloPeersRequest as _example_greeter_v1_HelloPeersRequest, HelloPeersRequest__Output as _example_greeter_v1_HelloPeersRequest__Output } from './example/greeter/v1/HelloPeersRequest';
import type { HelloPeersResponse as _example_greeter_v1_HelloPeersResponse, HelloPeersResponse__Output as _example_greeter_v1_HelloPeersResponse__Output } from './example/greeter/v1/HelloPeersResponse';
import type { HelloRequest as _example_greeter_v1_HelloRequest, HelloRequest__Output as _example_greeter_v1_HelloRequest__Output } from './example/greeter/v1/HelloRequest';
import type { HelloResponse as _example_greeter_v1_HelloResponse, HelloResponse__Output as _example_greeter_v1_HelloResponse__Output } from './example/greeter/v1/HelloResponse';
import type { PeerFailure as _example_greeter_v1_PeerFailure, PeerFailure__Output as _example_greeter_v1_PeerFailure__Output } from './example/greeter/v1/PeerFailure';
import type { PeerHello as _example_greeter_v1_PeerHello, PeerHello__Output as _example_greeter_v1_PeerHello__Output } from './example/greeter/v1/PeerHello';
import type { Shout as _example_greeter_v1_Shout, Shout__Output as _example_greeter_v1_Shout__Output } from './example/greeter/v1/Shout';
import type { ShoutRequest as _example_greeter_v1_ShoutRequest, ShoutRequest__Output as _example_greeter_v1_ShoutRequest__Output } from './example/greeter/v1/ShoutRequest';
import type { ShoutResponse as _example_greeter_v1_ShoutResponse, ShoutResponse__Output as _example_greeter_v1_ShoutResponse__Output } from './example/greeter/v1/ShoutResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  example: {
    greeter: {
      v1: {
        Greeter: SubtypeConstructor<typeof grpc.Client, _example_greeter_v1_GreeterClient> & { service: _example_greeter_v1_GreeterDefinition }
        HeardRequest: MessageTypeDefinition<_example_greeter_v1_HeardRequest, _example_greeter_v1_HeardRequest__Output>
        HeardResponse: MessageTypeDefinition<_example_greeter_v1_HeardResponse, _example_greeter_v1_HeardResponse__Output>
        HelloPeersRequest: MessageTypeDefinition<_example_greeter_v1_HelloPeersRequest, _example_greeter_v1_HelloPeersRequest__Output>
        HelloPeersResponse: MessageTypeDefinition<_example_greeter_v1_HelloPeersResponse, _example_greeter_v1_HelloPeersResponse__Output>
        HelloRequest: MessageTypeDefinition<_example_greeter_v1_HelloRequest, _example_greeter_v1_HelloRequest__Output>
        HelloResponse: MessageTypeDefinition<_example_greeter_v1_HelloResponse, _example_greeter_v1_HelloResponse__Output>
        PeerFailure: MessageTypeDefinition<_example_greeter_v1_PeerFailure, _example_greeter_v1_PeerFailure__Output>
        PeerHello: MessageTypeDefinition<_example_greeter_v1_PeerHello, _example_greeter_v1_PeerHello__Output>
        Shout: MessageTypeDefinition<_example_greeter_v1_Shout, _example_greeter_v1_Shout__Output>
        ShoutRequest: MessageTypeDefinition<_example_greeter_v1_ShoutRequest, _example_greeter_v1_ShoutRequest__Output>
        ShoutResponse: MessageTypeDefinition<_example_greeter_v1_ShoutResponse, _example_greeter_v1_ShoutResponse__Output>
      }
    }
  }
}

