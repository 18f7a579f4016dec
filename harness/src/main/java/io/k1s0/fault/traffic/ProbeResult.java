package io.k1s0.fault.traffic;

import io.restassured.http.Header;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;

/** What a probe gate saw: counts by status and transport error, the first match and the last response. */
public final class ProbeResult {

    private final String description;
    private final boolean satisfied;
    private final int wanted;
    private final long probes;
    private final long matches;
    private final Map<Integer, Long> byStatus;
    private final Map<TransportError, Long> byError;
    private final Response firstMatch;
    private final String last;
    private final Duration elapsed;

    private ProbeResult(Builder b, boolean satisfied, int wanted) {
        this.description = b.description;
        this.satisfied = satisfied;
        this.wanted = wanted;
        synchronized (b) {
            this.probes = b.probes;
            this.matches = b.matches;
            this.byStatus = Collections.unmodifiableMap(new TreeMap<>(b.byStatus));
            this.byError = Collections.unmodifiableMap(new EnumMap<>(b.byError));
            this.firstMatch = b.firstMatch;
            this.last = b.last;
            this.inFlight = b.inFlight;
        }
        this.elapsed = Duration.ofNanos(System.nanoTime() - b.startNanos);
        this.request = b.request;
        this.vantage = b.vantage;
    }

    private final String request;
    private final String vantage;
    private final boolean inFlight;

    public boolean satisfied() {
        return satisfied;
    }

    public long probes() {
        return probes;
    }

    public long matches() {
        return matches;
    }

    public Map<Integer, Long> responsesByStatus() {
        return byStatus;
    }

    public Map<TransportError, Long> transportErrorsByKind() {
        return byError;
    }

    /** The first response that matched (rest-assured {@link Response}, body already read). */
    public Optional<Response> firstMatch() {
        return Optional.ofNullable(firstMatch);
    }

    public Duration elapsed() {
        return elapsed;
    }

    /** e.g. {@code wanted 1 × an injected 503, matched 0 in 37 probes of GET http://… direct: status 200×37; last: 200 [...]}. */
    public String describe() {
        StringJoiner seen = new StringJoiner(", ");
        byStatus.forEach((code, n) -> seen.add("status " + code + "×" + n));
        byError.forEach((kind, n) -> seen.add(kind + "×" + n));
        return "wanted " + wanted + " × " + description + ", matched " + matches + " in " + probes + " probe(s) of "
                + request + " " + vantage + " over " + elapsed.toMillis() + " ms: "
                + (seen.length() == 0 ? "nothing" : seen) + (last == null ? "" : "; last: " + last)
                + (inFlight ? "; one probe still waiting for its response" : "");
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Thread-safe accumulator: Awaitility polls on its own thread. */
    static final class Builder {
        private final String description;
        private final String request;
        private final String vantage;
        private final long startNanos = System.nanoTime();
        private long probes;
        private long matches;
        private final Map<Integer, Long> byStatus = new TreeMap<>();
        private final Map<TransportError, Long> byError = new EnumMap<>(TransportError.class);
        private Response firstMatch;
        private String last;
        private boolean inFlight;

        Builder(String description, String request, String vantage) {
            this.description = description;
            this.request = request;
            this.vantage = vantage;
        }

        synchronized void sending() {
            inFlight = true;
        }

        synchronized long response(Response r, boolean matched) {
            inFlight = false;
            probes++;
            byStatus.merge(r.statusCode(), 1L, Long::sum);
            StringJoiner headers = new StringJoiner(", ", "[", "]");
            for (Header h : r.headers()) {
                headers.add(h.getName() + ": " + h.getValue());
            }
            last = r.statusCode() + " " + headers;
            if (matched) {
                matches++;
                if (firstMatch == null) {
                    firstMatch = r;
                }
            }
            return matches;
        }

        synchronized long error(TransportError kind, Throwable e) {
            inFlight = false;
            probes++;
            byError.merge(kind, 1L, Long::sum);
            last = kind + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            return matches;
        }

        ProbeResult build(boolean satisfied, int wanted) {
            return new ProbeResult(this, satisfied, wanted);
        }
    }
}
