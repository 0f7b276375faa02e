// Original file: greeter.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeardRequest as _example_greeter_v1_HeardRequest, HeardRequest__Output as _example_greeter_v1_HeardRequest__Output } from '../../../example/greeter/v1/HeardRequest';
import type { HeardResponse as _example_greeter_v1_HeardResponse, HeardResponse__Output as _example_greeter_v1_HeardResponse__Output } from '../../../example/greeter/v1/HeardResponse';
import type { HelloPeersRequest as _example_greeter_v1_HelloPeersRequest, HelloPeersRequest__Output as _example_greeter_v1_HelloPeersRequest__Output } from '../../../example/greeter/v1/HelloPeersRequest';
import type { HelloPeersResponse as _example_greeter_v1_HelloPeersResponse, HelloPeersResponse__Output as _example_greeter_v1_HelloPeersResponse__Output } from '../../../example/greeter/v1/HelloPeersResponse';
import type { HelloRequest as _example_greeter_v1_HelloRequest, HelloRequest__Output as _example_greeter_v1_HelloRequest__Output } from '../../../example/greeter/v1/HelloRequest';
import type { HelloResponse as _example_greeter_v1_HelloResponse, HelloResponse__Output as _example_greeter_v1_HelloResponse__Output } from '../../../example/greeter/v1/HelloResponse';
import type { ShoutRequest as _example_greeter_v1_ShoutRequest, ShoutRequest__Output as _example_greeter_v1_ShoutRequest__Output } from '../../../example/greeter/v1/ShoutRequest';
import type { ShoutResponse as _example_greeter_v1_ShoutResponse, ShoutResponse__Output as _example_greeter_v1_ShoutResponse__Output } from '../../../example/greeter/v1/ShoutResponse';

export interface GreeterClient extends grpc.Client {
  /**
   * The lines this node has heard, newest last.
   */
  Heard(argument: _example_greeter_v1_HeardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  Heard(argument: _example_greeter_v1_HeardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  Heard(argument: _example_greeter_v1_HeardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  Heard(argument: _example_greeter_v1_HeardRequest, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The lines this node has heard, newest last.
   */
  heard(argument: _example_greeter_v1_HeardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  heard(argument: _example_greeter_v1_HeardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  heard(argument: _example_greeter_v1_HeardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  heard(argument: _example_greeter_v1_HeardRequest, callback: grpc.requestCallback<_example_greeter_v1_HeardResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Greets the caller by the identity its client certificate proves.
   */
  Hello(argument: _example_greeter_v1_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _example_greeter_v1_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _example_greeter_v1_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _example_greeter_v1_HelloRequest, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Greets the caller by the identity its client certificate proves.
   */
  hello(argument: _example_greeter_v1_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _example_greeter_v1_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _example_greeter_v1_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _example_greeter_v1_HelloRequest, callback: grpc.requestCallback<_example_greeter_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Calls Hello on up to `count` peers, in the pool's query order.
   */
  HelloPeers(argument: _example_greeter_v1_HelloPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  HelloPeers(argument: _example_greeter_v1_HelloPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  HelloPeers(argument: _example_greeter_v1_HelloPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  HelloPeers(argument: _example_greeter_v1_HelloPeersRequest, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Calls Hello on up to `count` peers, in the pool's query order.
   */
  helloPeers(argument: _example_greeter_v1_HelloPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  helloPeers(argument: _example_greeter_v1_HelloPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  helloPeers(argument: _example_greeter_v1_HelloPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  helloPeers(argument: _example_greeter_v1_HelloPeersRequest, callback: grpc.requestCallback<_example_greeter_v1_HelloPeersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sends a line to every member over the gossip channel.
   */
  Shout(argument: _example_greeter_v1_ShoutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  Shout(argument: _example_greeter_v1_ShoutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  Shout(argument: _example_greeter_v1_ShoutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  Shout(argument: _example_greeter_v1_ShoutRequest, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sends a line to every member over the gossip channel.
   */
  shout(argument: _example_greeter_v1_ShoutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  shout(argument: _example_greeter_v1_ShoutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  shout(argument: _example_greeter_v1_ShoutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  shout(argument: _example_greeter_v1_ShoutRequest, callback: grpc.requestCallback<_example_greeter_v1_ShoutResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GreeterHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The lines this node has heard, newest last.
   */
  Heard: grpc.handleUnaryCall<_example_greeter_v1_HeardRequest__Output, _example_greeter_v1_HeardResponse>;
  
  /**
   * Greets the caller by the identity its client certificate proves.
   */
  Hello: grpc.handleUnaryCall<_example_greeter_v1_HelloRequest__Output, _example_greeter_v1_HelloResponse>;
  
  /**
   * Calls Hello on up to `count` peers, in the pool's query order.
   */
  HelloPeers: grpc.handleUnaryCall<_example_greeter_v1_HelloPeersRequest__Output, _example_greeter_v1_HelloPeersResponse>;
  
  /**
   * Sends a line to every member over the gossip channel.
   */
  Shout: grpc.handleUnaryCall<_example_greeter_v1_ShoutRequest__Output, _example_greeter_v1_ShoutResponse>;
  
}

export interface GreeterDefinition extends grpc.ServiceDefinition {
  Heard: MethodDefinition<_example_greeter_v1_HeardRequest, _example_greeter_v1_HeardResponse, _example_greeter_v1_HeardRequest__Output, _example_greeter_v1_HeardResponse__Output>
  Hello: MethodDefinition<_example_greeter_v1_HelloRequest, _example_greeter_v1_HelloResponse, _example_greeter_v1_HelloRequest__Output, _example_greeter_v1_HelloResponse__Output>
  HelloPeers: MethodDefinition<_example_greeter_v1_HelloPeersRequest, _example_greeter_v1_HelloPeersResponse, _example_greeter_v1_HelloPeersRequest__Output, _example_greeter_v1_HelloPeersResponse__Output>
  Shout: MethodDefinition<_example_greeter_v1_ShoutRequest, _example_greeter_v1_ShoutResponse, _example_greeter_v1_ShoutRequest__Output, _example_greeter_v1_ShoutResponse__Output>
}
