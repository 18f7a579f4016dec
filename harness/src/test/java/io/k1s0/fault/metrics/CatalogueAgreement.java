package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;

/**
 * Checks that one window read by both sources gives the numbers the verdicts use identically: every {@link PromQl}
 * entry evaluated on the API snapshot, on the scraped snapshot, and by Prometheus itself at the window end. Counts
 * must be equal; a P99 must fall in the same bucket (same lower and upper bound) on both snapshots, and Prometheus's
 * own {@code histogram_quantile} must equal ours. Istio entries are scoped to one caller→service edge, Envoy cluster
 * stats are summed over every proxy.
 */
final class CatalogueAgreement {

    private CatalogueAgreement() {}

    /** Asserts the agreement; returns a table of the values (entry, scrape, API snapshot, Prometheus) for the log. */
    static String assertAgree(PrometheusApiSource prometheus, MeshSnapshot api, MeshSnapshot scraped, Selector edge) {
        StringBuilder table = new StringBuilder(String.format("%n%-26s %12s %12s %14s%n", "catalogue entry", "scrape",
                "api snapshot", "prometheus"));
        for (PromQl q : PromQl.values()) {
            Selector scope = scopeOf(q, edge);
            String promql = q.promql(scope, api.length());
            if (q == PromQl.ERRORS_5XX_BY_FLAGS) {
                Map<String, Double> byFlagsInProm = new TreeMap<>();
                prometheus.query(promql, api.end()).forEach(r ->
                        byFlagsInProm.put(r.labels().getOrDefault("response_flags", ""), r.values().get(0)));
                Map<String, Double> byFlagsApi = q.evaluateByFlags(api, scope);
                assertThat(byFlagsApi).as("%s: API snapshot vs scrape", q).isEqualTo(q.evaluateByFlags(scraped, scope));
                assertThat(byFlagsInProm).as("%s evaluated by Prometheus: %s", q, promql).isEqualTo(byFlagsApi);
                table.append(String.format("%-26s %s%n", q, byFlagsApi));
                continue;
            }
            double s = q.evaluate(scraped, scope);
            double a = q.evaluate(api, scope);
            double inProm = prometheus.queryValue(promql, api.end());
            table.append(String.format("%-26s %12.4f %12.4f %14.4f%n", q, s, a, inProm));
            if (q.isQuantile()) {
                assertSameBucket(q, api, scraped, scope);
                Buckets b = scraped.buckets(q.metric(), q.selector(scope));
                assertThat(b.bucketOf(inProm)).as("%s: Prometheus's own histogram_quantile lands in our bucket; %s", q, promql)
                        .isEqualTo(b.bucketOf(s));
                assertThat(inProm).as("%s: Prometheus's interpolation equals ours; %s", q, promql).isCloseTo(s, within(1e-9));
            } else {
                assertThat(a).as("%s: API snapshot vs scrape", q).isEqualTo(s);
                assertThat(inProm).as("%s evaluated by Prometheus: %s", q, promql).isEqualTo(s);
            }
        }
        return table.toString();
    }

    /** The P99 of each snapshot, each located in its own buckets, lies in the same {@code (lower, upper]} bucket. */
    static void assertSameBucket(PromQl quantile, MeshSnapshot api, MeshSnapshot scraped, Selector scope) {
        Buckets apiBuckets = api.buckets(quantile.metric(), quantile.selector(scope));
        Buckets scrapedBuckets = scraped.buckets(quantile.metric(), quantile.selector(scope));
        double a = quantile.evaluate(api, scope);
        double s = quantile.evaluate(scraped, scope);
        assertThat(apiBuckets.bucketOf(a))
                .as("%s: bucket (lower, upper] of the API's P99 %.3f vs of the scraped P99 %.3f; buckets API %s, scrape %s",
                        quantile, a, s, apiBuckets, scrapedBuckets)
                .isEqualTo(scrapedBuckets.bucketOf(s));
    }

    /** Istio entries on the edge; Envoy cluster stats (no workload labels) over every proxy. */
    static Selector scopeOf(PromQl q, Selector edge) {
        return q.metric().promName().startsWith("istio") ? edge : Selector.all();
    }
}
