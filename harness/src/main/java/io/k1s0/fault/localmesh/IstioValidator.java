package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The subset of istiod's validation webhook ({@code pkg/config/validation}) the harness relies on, plus the
 * checks Envoy would reject at push time (abort status 600). Each problem names the field path, the value
 * given and what is allowed; an empty list means the resource is accepted.
 */
final class IstioValidator {

    private IstioValidator() {}

    /**
     * @param subsetsOf the subset names the DestinationRule that applies to a destination host defines
     *     (host as written, namespace of the VirtualService); empty when no rule applies
     */
    static List<String> validate(VirtualService vs, String namespace, BiFunction<String, String, Set<String>> subsetsOf) {
        List<String> problems = new ArrayList<>();
        if (vs == null || vs.getHosts() == null || vs.getHosts().isEmpty()) {
            problems.add("spec.hosts: is empty; a VirtualService needs at least one host");
        }
        List<HTTPRoute> http = vs == null || vs.getHttp() == null ? List.of() : vs.getHttp();
        for (int i = 0; i < http.size(); i++) {
            HTTPRoute route = http.get(i);
            String at = "spec.http[" + i + "]";
            checkDuration(problems, at + ".timeout", route.getTimeout(), Duration.ZERO);
            if (route.getRetries() != null) {
                Integer attempts = route.getRetries().getAttempts();
                if (attempts != null && attempts < 0) {
                    problems.add(at + ".retries.attempts: " + attempts + " is negative; allowed: 0 or more");
                }
                checkDuration(problems, at + ".retries.perTryTimeout", route.getRetries().getPerTryTimeout(), Duration.ofMillis(1));
            }
            if (route.getFault() != null) {
                checkFault(problems, at + ".fault", route.getFault());
            }
            List<HTTPRouteDestination> dests = route.getRoute() == null ? List.of() : route.getRoute();
            if (dests.isEmpty() && route.getRedirect() == null && route.getDirectResponse() == null && route.getDelegate() == null) {
                problems.add(at + ".route: is empty; a route needs a destination, a redirect or a direct response");
            }
            long total = 0;
            for (int d = 0; d < dests.size(); d++) {
                HTTPRouteDestination dest = dests.get(d);
                String dat = at + ".route[" + d + "]";
                int weight = dest.getWeight() == null ? 0 : dest.getWeight();
                if (weight < 0) {
                    problems.add(dat + ".weight: " + weight + " is negative; allowed: 0..100");
                }
                total += weight;
                checkDestination(problems, dat + ".destination", dest.getDestination(), namespace, subsetsOf);
            }
            // Istio 1.24 no longer requires weights to sum to 100 (they are relative); only an all-zero split
            // of several destinations is an error (validateHTTPRouteDestinations).
            if (dests.size() > 1 && total == 0) {
                problems.add(at + ".route: weights of " + dests.size() + " destinations sum to 0; at least one weight must be positive");
            }
            if (route.getMirror() != null) {
                checkDestination(problems, at + ".mirror", route.getMirror(), namespace, subsetsOf);
            }
            checkPercent(problems, at + ".mirrorPercentage", route.getMirrorPercentage());
            if (route.getMirrors() != null) {
                for (int m = 0; m < route.getMirrors().size(); m++) {
                    HTTPMirrorPolicy mirror = route.getMirrors().get(m);
                    checkDestination(problems, at + ".mirrors[" + m + "].destination", mirror.getDestination(), namespace, subsetsOf);
                    checkPercent(problems, at + ".mirrors[" + m + "].percentage", mirror.getPercentage());
                }
            }
        }
        return problems;
    }

    static List<String> validate(DestinationRule dr) {
        List<String> problems = new ArrayList<>();
        if (dr == null || dr.getHost() == null || dr.getHost().isBlank()) {
            problems.add("spec.host: is empty; a DestinationRule needs a host");
            return problems;
        }
        checkTrafficPolicy(problems, "spec.trafficPolicy", dr.getTrafficPolicy());
        Set<String> names = new HashSet<>();
        List<Subset> subsets = dr.getSubsets() == null ? List.of() : dr.getSubsets();
        for (int i = 0; i < subsets.size(); i++) {
            Subset s = subsets.get(i);
            String at = "spec.subsets[" + i + "]";
            if (s.getName() == null || s.getName().isBlank()) {
                problems.add(at + ".name: is empty; a subset needs a name");
            } else if (!names.add(s.getName())) {
                problems.add(at + ".name: '" + s.getName() + "' is defined twice; subset names must be unique");
            }
            checkTrafficPolicy(problems, at + ".trafficPolicy", s.getTrafficPolicy());
        }
        return problems;
    }

    private static void checkFault(List<String> problems, String at, HTTPFaultInjection fault) {
        if (fault.getDelay() == null && fault.getAbort() == null) {
            problems.add(at + ": has neither delay nor abort; a fault must have delay, abort or both");
            return;
        }
        if (fault.getDelay() != null) {
            checkPercent(problems, at + ".delay.percentage", fault.getDelay().getPercentage());
            Integer legacy = fault.getDelay().getPercent();
            if (legacy != null && (legacy < 0 || legacy > 100)) {
                problems.add(at + ".delay.percent: " + legacy + " is outside 0..100");
            }
            if (fault.getDelay().getHttpDelayType() instanceof HTTPFaultInjectionDelayFixedDelay fixed) {
                checkDuration(problems, at + ".delay.fixedDelay", fixed.getFixedDelay(), Duration.ofMillis(1));
                if (fixed.getFixedDelay() == null) {
                    problems.add(at + ".delay.fixedDelay: is missing; a delay needs fixedDelay >= 1ms");
                }
            } else {
                problems.add(at + ".delay: has no fixedDelay; only fixedDelay (>= 1ms) is supported");
            }
        }
        if (fault.getAbort() != null) {
            checkPercent(problems, at + ".abort.percentage", fault.getAbort().getPercentage());
            if (fault.getAbort().getErrorType() instanceof HTTPFaultInjectionAbortHttpStatus status) {
                Integer code = status.getHttpStatus();
                // istiod accepts 200..600 but Envoy's proto requires [200, 600): 600 would be refused at push.
                if (code == null || code < 200 || code > 599) {
                    problems.add(at + ".abort.httpStatus: " + code + " is outside 200..599");
                }
            } else if (fault.getAbort().getErrorType() == null) {
                problems.add(at + ".abort: has no httpStatus or grpcStatus");
            }
        }
    }

    private static void checkPercent(List<String> problems, String at, Percent percent) {
        if (percent == null || percent.getValue() == null) {
            return;
        }
        double v = percent.getValue();
        if (v < 0 || v > 100) {
            problems.add(at + ".value: " + v + " is outside 0..100");
        } else if (v > 0 && v < 0.0001) {
            problems.add(at + ".value: " + v + " is below the smallest non-zero percentage 0.0001");
        }
    }

    private static void checkDuration(List<String> problems, String at, String value, Duration min) {
        if (value == null) {
            return;
        }
        try {
            Duration d = GoDuration.parse(value);
            if (d.compareTo(min) < 0) {
                problems.add(at + ": " + value + " is below the minimum " + (min.isZero() ? "0s" : min.toMillis() + "ms"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
        }
    }

    private static void checkDestination(List<String> problems, String at, Destination dest, String namespace,
            BiFunction<String, String, Set<String>> subsetsOf) {
        if (dest == null || dest.getHost() == null || dest.getHost().isBlank()) {
            problems.add(at + ".host: is empty");
            return;
        }
        String subset = dest.getSubset();
        if (subset != null && !subset.isEmpty()) {
            Set<String> defined = subsetsOf.apply(dest.getHost(), namespace);
            if (!defined.contains(subset)) {
                problems.add(at + ".subset: '" + subset + "' is not defined for host " + dest.getHost()
                        + " by any DestinationRule; defined subsets: " + (defined.isEmpty() ? "none" : new java.util.TreeSet<>(defined)));
            }
        }
    }

    private static void checkTrafficPolicy(List<String> problems, String at, TrafficPolicy policy) {
        if (policy == null) {
            return;
        }
        OutlierDetection od = policy.getOutlierDetection();
        if (od != null) {
            checkDuration(problems, at + ".outlierDetection.interval", od.getInterval(), Duration.ofMillis(1));
            checkDuration(problems, at + ".outlierDetection.baseEjectionTime", od.getBaseEjectionTime(), Duration.ofMillis(1));
            checkRange(problems, at + ".outlierDetection.maxEjectionPercent", od.getMaxEjectionPercent());
            checkRange(problems, at + ".outlierDetection.minHealthPercent", od.getMinHealthPercent());
        }
        if (policy.getConnectionPool() != null && policy.getConnectionPool().getTcp() != null) {
            checkDuration(problems, at + ".connectionPool.tcp.connectTimeout", policy.getConnectionPool().getTcp().getConnectTimeout(), Duration.ofMillis(1));
        }
        if (policy.getConnectionPool() != null && policy.getConnectionPool().getHttp() != null) {
            checkDuration(problems, at + ".connectionPool.http.idleTimeout", policy.getConnectionPool().getHttp().getIdleTimeout(), Duration.ofMillis(1));
        }
    }

    private static void checkRange(List<String> problems, String at, Integer value) {
        if (value != null && (value < 0 || value > 100)) {
            problems.add(at + ": " + value + " is outside 0..100");
        }
    }
}
