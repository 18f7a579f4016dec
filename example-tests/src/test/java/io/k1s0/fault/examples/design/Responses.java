package io.k1s0.fault.examples.design;

import io.k1s0.fault.traffic.Traffic;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One response at a time, for checks that read response headers (which replica answered, which attempt the
 * server saw): the harness's probe gate sends them sequentially from the vantage's sidecar.
 */
final class Responses {
    private Responses() {}

    static List<Response> collect(Traffic from, RequestSpecification spec, int count, Duration atMost) {
        List<Response> seen = Collections.synchronizedList(new ArrayList<>());
        from.probe(spec).every(Duration.ZERO).atMost(atMost).untilSeen(count + " responses", r -> seen.add(r), count);
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }
}
