// Original file: proto/g2g/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RotateRequest as _g2g_v1_RotateRequest, RotateRequest__Output as _g2g_v1_RotateRequest__Output } from '../../g2g/v1/RotateRequest';
import type { RotateResponse as _g2g_v1_RotateResponse, RotateResponse__Output as _g2g_v1_RotateResponse__Output } from '../../g2g/v1/RotateResponse';
import type { StatusRequest as _g2g_v1_StatusRequest, StatusRequest__Output as _g2g_v1_StatusRequest__Output } from '../../g2g/v1/StatusRequest';
import type { StatusResponse as _g2g_v1_StatusResponse, StatusResponse__Output as _g2g_v1_StatusResponse__Output } from '../../g2g/v1/StatusResponse';

export interface AdminClient extends grpc.Client {
  /**
   * Issue and install a new leaf certificate now.
   */
  Rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Issue and install a new leaf certificate now.
   */
  rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Issue and install a new leaf certificate now.
   */
  Rotate: grpc.handleUnaryCall<_g2g_v1_RotateRequest__Output, _g2g_v1_RotateResponse>;
  
  Status: grpc.handleUnaryCall<_g2g_v1_StatusRequest__Output, _g2g_v1_StatusResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  Rotate: MethodDefinition<_g2g_v1_RotateRequest, _g2g_v1_RotateResponse, _g2g_v1_RotateRequest__Output, _g2g_v1_RotateResponse__Output>
  Status: MethodDefinition<_g2g_v1_StatusRequest, _g2g_v1_StatusResponse, _g2g_v1_StatusRequest__Output, _g2g_v1_StatusResponse__Output>
}
