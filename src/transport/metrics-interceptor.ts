import * as grpc from '@grpc/grpc-js';
import type { NodeMetrics } from '../metrics/metrics';

/**
 * Counts every call and times it to its status, for every service on a port, plugins included,
 * without any code of theirs. Installed innermost, so calls the authorisation interceptor
 * refuses are counted too.
 */
export function metricsInterceptor(metrics: NodeMetrics, port: string): grpc.ServerInterceptor {
  return (method, call) => {
    const [service = '', name = ''] = method.path.slice(1).split('/');
    const started = process.hrtime.bigint();
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.handled.inc({ port, grpc_service: service, grpc_method: name, grpc_code: grpc.status[status.code] ?? String(status.code) });
        metrics.handling.observe({ port, grpc_service: service, grpc_method: name }, seconds);
        next(status);
      },
    });
  };
}
