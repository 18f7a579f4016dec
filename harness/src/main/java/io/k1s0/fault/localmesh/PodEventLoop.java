package io.k1s0.fault.localmesh;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.util.function.Supplier;

/**
 * Runs a replica's start on an event loop of its own. Its app and sidecar listeners then share that loop,
 * as a pod's containers share a node, so calls inside the pod never cross threads; the replicas spread over
 * Vert.x's event loops. Started from another server's callback instead, every listener would inherit the
 * caller's loop and a whole mesh would run on one thread.
 */
final class PodEventLoop {
    private PodEventLoop() {}

    /**
     * Every listener of a pod: loopback HTTP/1.1 on a free port (no h2c upgrade, which clients such as the JDK's would
     * try). It answers {@code Expect: 100-continue} itself, as Envoy does, so a client such as curl does not wait a second.
     */
    static HttpServerOptions listenerOptions() {
        return new HttpServerOptions().setHost(WorkloadResources.POD_IP).setPort(0).setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true);
    }

    static <T> Future<T> start(Vertx vertx, Supplier<Future<T>> startOnTheLoop) {
        Promise<T> result = Promise.promise();
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                startOnTheLoop.get().onComplete(done -> {
                    if (done.succeeded()) {
                        result.complete(done.result());
                        started.complete();
                    } else {
                        result.tryFail(done.cause());
                        started.fail(done.cause());
                    }
                });
            }
        }).onFailure(result::tryFail);
        return result.future();
    }
}
