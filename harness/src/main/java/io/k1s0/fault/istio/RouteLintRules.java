package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.HostLintRules.nonNull;
import static io.k1s0.fault.istio.LintContext.finding;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.k1s0.fault.istio.ManifestLint.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rules on single HTTP routes: faults (FH002-FH004), retries (FH005-FH007, FH015), header matches
 * (FH010), mirroring (FH013) and weights (FH014).
 */
final class RouteLintRules implements LintRule {

    /** Envoy's {@code x-envoy-retry-on} and {@code x-envoy-retry-grpc-on} values (router filter docs). */
    static final Set<String> ENVOY_RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
            "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes",
            "retriable-headers", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
            "resource-exhausted", "unavailable");

    private static final Duration BASE_BACKOFF = Duration.ofMillis(25);

    @Override
    public void check(LintContext context, Consumer<ManifestLint.Finding> out) {
        List<LoadedManifest> virtualServices = context.of(ManifestKind.VIRTUAL_SERVICE);
        for (LoadedManifest manifest : virtualServices) {
            List<HTTPRoute> routes = nonNull(LintContext.virtualService(manifest).getSpec().getHttp());
            for (int i = 0; i < routes.size(); i++) {
                Route route = new Route(manifest, routes.get(i), "spec.http[" + i + "]");
                faultBypassesPolicy(route, virtualServices, out);
                faultPercentages(route, out);
                faultValues(route, out);
                retryBudgetVersusTimeout(route, out);
                perTryTimeoutNotRetried(route, out);
                missingRetries(route, out);
                headerKeysLowerCase(route, out);
                mirrorWithoutPercentage(route, out);
                weightsAllZero(route, out);
                unknownRetryOn(route, out);
            }
        }
    }

    /** A route and where it is. */
    private record Route(LoadedManifest manifest, HTTPRoute http, String path) {
        Optional<HTTPRetry> retries() {
            return Optional.ofNullable(http.getRetries());
        }

        boolean forwards() {
            return !nonNull(http.getRoute()).isEmpty();
        }
    }

    /** FH002: injected faults run before the router, so retries and timeouts never act on them. */
    private static void faultBypassesPolicy(Route route, List<LoadedManifest> virtualServices,
            Consumer<ManifestLint.Finding> out) {
        if (route.http().getFault() == null) {
            return;
        }
        List<String> policies = new ArrayList<>();
        if (route.http().getRetries() != null || route.http().getTimeout() != null) {
            policies.add("this route (" + route.path() + ")");
        }
        VirtualService own = LintContext.virtualService(route.manifest());
        for (LoadedManifest other : virtualServices) {
            if (other.identity().equals(route.manifest().identity()) || !sharesHost(own, route.manifest(), other)) {
                continue;
            }
            List<HTTPRoute> routes = nonNull(LintContext.virtualService(other).getSpec().getHttp());
            for (int i = 0; i < routes.size(); i++) {
                if (routes.get(i).getRetries() != null || routes.get(i).getTimeout() != null) {
                    policies.add(other.identity() + " spec.http[" + i + "]");
                }
            }
        }
        if (!policies.isEmpty()) {
            out.accept(finding("FH002", Severity.WARNING, route.manifest(), route.path() + ".fault",
                    "fault injection on a host whose retries/timeout are set in " + String.join(", ", policies)
                            + "; the fault runs in the caller's sidecar before the router, so injected aborts are "
                            + "never retried and an injected delay is not cut by the route timeout. Fix: expect "
                            + "retries/timeouts to act one hop further out, not on the injected faults"));
        }
    }

    private static boolean sharesHost(VirtualService own, LoadedManifest ownManifest, LoadedManifest other) {
        List<String> otherHosts = nonNull(LintContext.virtualService(other).getSpec().getHosts()).stream()
                .map(h -> LintContext.fqdn(h, other.namespace())).toList();
        return nonNull(own.getSpec().getHosts()).stream().map(h -> LintContext.fqdn(h, ownManifest.namespace()))
                .anyMatch(otherHosts::contains);
    }

    /** FH003: a fault without percentage injects into 0 % of requests. */
    private static void faultPercentages(Route route, Consumer<ManifestLint.Finding> out) {
        HTTPFaultInjection fault = route.http().getFault();
        if (fault == null) {
            return;
        }
        HTTPFaultInjectionDelay delay = fault.getDelay();
        if (delay != null && delay.getPercentage() == null && delay.getPercent() == null) {
            out.accept(finding("FH003", Severity.ERROR, route.manifest(), route.path() + ".fault.delay",
                    "delay has no percentage, which means 0 %: no request is delayed. "
                            + "Fix: set percentage.value (0-100], e.g. percentage: {value: 10.0}"));
        }
        HTTPFaultInjectionAbort abort = fault.getAbort();
        if (abort != null && abort.getPercentage() == null) {
            out.accept(finding("FH003", Severity.ERROR, route.manifest(), route.path() + ".fault.abort",
                    "abort has no percentage, which means 0 %: no request is aborted. "
                            + "Fix: set percentage.value (0-100], e.g. percentage: {value: 5.0}"));
        }
    }

    /** FH004: Envoy accepts abort status 200-599 only; Istio requires a fixed delay of at least 1 ms. */
    private static void faultValues(Route route, Consumer<ManifestLint.Finding> out) {
        HTTPFaultInjection fault = route.http().getFault();
        if (fault == null) {
            return;
        }
        if (fault.getAbort() != null && fault.getAbort().getErrorType() instanceof HTTPFaultInjectionAbortHttpStatus s
                && s.getHttpStatus() != null && (s.getHttpStatus() < 200 || s.getHttpStatus() > 599)) {
            out.accept(finding("FH004", Severity.ERROR, route.manifest(), route.path() + ".fault.abort.httpStatus",
                    "abort httpStatus " + s.getHttpStatus() + " is outside 200-599 (Envoy rejects it; Istio "
                            + "validation even lets 600 through). Fix: use a status in 200-599, e.g. 503"));
        }
        if (fault.getDelay() != null
                && fault.getDelay().getHttpDelayType() instanceof HTTPFaultInjectionDelayFixedDelay fixed) {
            Optional<Duration> delay = LintDurations.parse(fixed.getFixedDelay());
            if (delay.isEmpty() || delay.get().compareTo(Duration.ofMillis(1)) < 0) {
                out.accept(finding("FH004", Severity.ERROR, route.manifest(),
                        route.path() + ".fault.delay.fixedDelay", "fixedDelay '" + fixed.getFixedDelay()
                                + "' is " + (delay.isEmpty() ? "not a duration" : "below 1ms")
                                + "; Istio requires a fixed delay >= 1ms. Fix: e.g. fixedDelay: 500ms"));
            }
        }
    }

    /** FH005: all tries with their per-try timeout and backoff do not fit into the route timeout. */
    private static void retryBudgetVersusTimeout(Route route, Consumer<ManifestLint.Finding> out) {
        Optional<HTTPRetry> retries = route.retries();
        Optional<Duration> timeout = LintDurations.parse(route.http().getTimeout());
        if (retries.isEmpty() || timeout.isEmpty() || timeout.get().isZero()) {
            return;
        }
        int attempts = retries.get().getAttempts() == null ? 0 : retries.get().getAttempts();
        Optional<Duration> perTry = LintDurations.parse(retries.get().getPerTryTimeout());
        if (attempts <= 0 || perTry.isEmpty()) {
            return;
        }
        Duration base = LintDurations.parse(retries.get().getBackoff()).orElse(BASE_BACKOFF);
        Duration backoff = Duration.ZERO;
        for (int n = 1; n <= attempts; n++) {
            backoff = backoff.plus(maxBackoff(base, n));
        }
        Duration worst = perTry.get().multipliedBy(attempts + 1L).plus(backoff);
        if (worst.compareTo(timeout.get()) <= 0) {
            return;
        }
        // Count the tries that still get their full per-try timeout before the route timeout fires.
        int fullTries = 0;
        Duration elapsed = Duration.ZERO;
        while (fullTries < attempts + 1) {
            Duration wait = fullTries == 0 ? Duration.ZERO : maxBackoff(base, fullTries);
            if (elapsed.plus(wait).plus(perTry.get()).compareTo(timeout.get()) > 0) {
                break;
            }
            elapsed = elapsed.plus(wait).plus(perTry.get());
            fullTries++;
        }
        out.accept(finding("FH005", Severity.WARNING, route.manifest(), route.path() + ".retries",
                "(" + attempts + "+1) x perTryTimeout " + LintDurations.format(perTry.get()) + " + up to "
                        + LintDurations.format(backoff) + " backoff = " + LintDurations.format(worst)
                        + " exceeds the route timeout " + LintDurations.format(timeout.get())
                        + ": effective attempts " + fullTries + " (1 try + " + plural(Math.max(0, fullTries - 1), "retry", "retries")
                        + ") get their full per-try timeout, not " + (attempts + 1)
                        + ". Fix: raise timeout to >= " + LintDurations.format(worst)
                        + " or lower attempts/perTryTimeout"));
    }

    private static String plural(int count, String one, String many) {
        return count + " " + (count == 1 ? one : many);
    }

    /** Envoy's fully jittered backoff: retry n waits below (2^n - 1) x base, capped at 10 x base. */
    private static Duration maxBackoff(Duration base, int retry) {
        long factor = (1L << Math.min(retry, 20)) - 1;
        Duration cap = base.multipliedBy(10);
        Duration value = base.multipliedBy(factor);
        return value.compareTo(cap) > 0 ? cap : value;
    }

    /** FH006: Envoy retries a per-try timeout only when retryOn has 5xx or gateway-error. */
    private static void perTryTimeoutNotRetried(Route route, Consumer<ManifestLint.Finding> out) {
        route.retries().filter(r -> r.getPerTryTimeout() != null).ifPresent(retry -> {
            List<String> tokens = tokens(retry.getRetryOn());
            if (!tokens.contains("5xx") && !tokens.contains("gateway-error")) {
                out.accept(finding("FH006", Severity.WARNING, route.manifest(), route.path() + ".retries.retryOn",
                        "perTryTimeout " + retry.getPerTryTimeout() + " is set but retryOn '"
                                + (retry.getRetryOn() == null ? "<Istio default>" : retry.getRetryOn())
                                + "' has neither 5xx nor gateway-error, so a try that times out is not retried. "
                                + "Fix: add gateway-error (or 5xx) to retryOn"));
            }
        });
    }

    /** FH007: no retries block, or no retryOn, leaves Istio's default policy in force. */
    private static void missingRetries(Route route, Consumer<ManifestLint.Finding> out) {
        if (!route.forwards()) {
            return;
        }
        if (route.retries().isEmpty()) {
            out.accept(finding("FH007", Severity.WARNING, route.manifest(), route.path(),
                    "no retries: leaving them out does not disable retries; Istio 1.24's default policy applies "
                            + "(2 retries, no longer on 503). Fix: state retries with attempts, perTryTimeout and "
                            + "retryOn, or attempts: 0 to disable them"));
        } else if (route.retries().get().getRetryOn() == null
                && (route.retries().get().getAttempts() == null || route.retries().get().getAttempts() > 0)) {
            out.accept(finding("FH007", Severity.WARNING, route.manifest(), route.path() + ".retries",
                    "retries without retryOn: Istio keeps its default retryOn, which in 1.24 no longer retries "
                            + "503. Fix: state retryOn explicitly, e.g. \"5xx,reset,connect-failure\""));
        }
    }

    /** FH010: header names arrive lower-case; a key with upper-case letters never matches. */
    private static void headerKeysLowerCase(Route route, Consumer<ManifestLint.Finding> out) {
        List<HTTPMatchRequest> matches = nonNull(route.http().getMatch());
        for (int m = 0; m < matches.size(); m++) {
            checkKeys(route, matches.get(m).getHeaders(), route.path() + ".match[" + m + "].headers", out);
            checkKeys(route, matches.get(m).getWithoutHeaders(), route.path() + ".match[" + m + "].withoutHeaders",
                    out);
        }
    }

    private static void checkKeys(Route route, Map<String, ?> headers, String path,
            Consumer<ManifestLint.Finding> out) {
        if (headers == null) {
            return;
        }
        for (String key : headers.keySet()) {
            if (!key.equals(key.toLowerCase(Locale.ROOT))) {
                out.accept(finding("FH010", Severity.ERROR, route.manifest(), path + "." + key,
                        "header match key '" + key + "' is not lower-case; header keys must be lower-case and "
                                + "this match never applies. Fix: write '" + key.toLowerCase(Locale.ROOT) + "'"));
            }
        }
    }

    /** FH013: mirror without mirrorPercentage mirrors 100 % of the traffic. */
    private static void mirrorWithoutPercentage(Route route, Consumer<ManifestLint.Finding> out) {
        if (route.http().getMirror() != null && route.http().getMirrorPercentage() == null
                && route.http().getMirrorPercent() == null) {
            out.accept(finding("FH013", Severity.WARNING, route.manifest(), route.path() + ".mirror",
                    "mirror without mirrorPercentage copies 100 % of requests to " + route.http().getMirror().getHost()
                            + ". Fix: set mirrorPercentage.value, e.g. mirrorPercentage: {value: 10.0}"));
        }
        List<HTTPMirrorPolicy> mirrors = nonNull(route.http().getMirrors());
        for (int i = 0; i < mirrors.size(); i++) {
            if (mirrors.get(i).getPercentage() == null) {
                out.accept(finding("FH013", Severity.WARNING, route.manifest(), route.path() + ".mirrors[" + i + "]",
                        "mirror without percentage copies 100 % of requests. Fix: set percentage.value"));
            }
        }
    }

    /** FH014: several destinations whose weights are all zero: Istio rejects the route. */
    private static void weightsAllZero(Route route, Consumer<ManifestLint.Finding> out) {
        List<HTTPRouteDestination> destinations = nonNull(route.http().getRoute());
        if (destinations.size() > 1 && destinations.stream()
                .allMatch(d -> d.getWeight() == null || d.getWeight() == 0)) {
            out.accept(finding("FH014", Severity.ERROR, route.manifest(), route.path() + ".route",
                    "all " + destinations.size() + " destinations have weight 0 (or none); Istio rejects a "
                            + "route whose weights total 0. Fix: give the destinations that should get traffic a "
                            + "positive weight"));
        }
    }

    /** FH015: a retryOn token Envoy does not know is rejected by Istio validation. */
    private static void unknownRetryOn(Route route, Consumer<ManifestLint.Finding> out) {
        route.retries().ifPresent(retry -> {
            for (String token : tokens(retry.getRetryOn())) {
                if (ENVOY_RETRY_ON.contains(token) || token.matches("[1-5]\\d\\d")) {
                    continue;
                }
                String hint = LintSuggestion.closest(token, ENVOY_RETRY_ON).map(s -> "did you mean " + s + "?")
                        .orElse("known: " + String.join(", ", ENVOY_RETRY_ON.stream().sorted().toList())
                                + ", or an HTTP status code");
                out.accept(finding("FH015", Severity.ERROR, route.manifest(), route.path() + ".retries.retryOn",
                        "retryOn token '" + token + "' is not an Envoy retry condition; " + hint));
            }
        });
    }

    private static List<String> tokens(String retryOn) {
        if (retryOn == null || retryOn.isBlank()) {
            return List.of();
        }
        return Arrays.stream(retryOn.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
}
