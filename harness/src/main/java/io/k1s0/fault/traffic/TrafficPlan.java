package io.k1s0.fault.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fluent plan of an open-model run: one or more named phases, each a constant arrival rate for a duration
 * or a request count, plus hard caps that always stop the run. A phase inherits the previous phase's rate
 * unless it sets its own. Setters check their argument at once; {@link #start()} checks the whole plan.
 *
 * <pre>{@code
 * traffic.send(spec).atRate(200).forDuration(Duration.ofSeconds(10)).maxRequests(5000).run();
 * }</pre>
 */
public final class TrafficPlan {

    static final String DEFAULT_PHASE = "main";
    static final double MAX_RATE = 50_000;

    private final Traffic traffic;
    private final RequestTemplate template;
    private final List<Draft> phases = new ArrayList<>();
    private long maxRequests = 1_000_000;
    private Duration maxDuration = Duration.ofMinutes(30);
    private int maxInFlight = 1_000;
    private Consumer<String> onPhaseStart = name -> { };

    private static final class Draft {
        String name;
        double rate;
        Duration duration;
        long requests;
        boolean touched;

        Draft(String name, double rate) {
            this.name = name;
            this.rate = rate;
        }
    }

    TrafficPlan(Traffic traffic, RequestTemplate template) {
        this.traffic = traffic;
        this.template = template;
        phases.add(new Draft(DEFAULT_PHASE, 0));
    }

    private Draft current() {
        return phases.get(phases.size() - 1);
    }

    /** Starts a new named phase (the first call names the first phase if nothing was set on it yet). */
    public TrafficPlan phase(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("phase name: given '" + name + "'; allowed: a non-blank name");
        }
        Draft c = current();
        if (phases.size() == 1 && !c.touched && DEFAULT_PHASE.equals(c.name)) {
            c.name = name;
            c.touched = true;
        } else {
            Draft next = new Draft(name, c.rate);
            next.touched = true;
            phases.add(next);
        }
        return this;
    }

    /** Constant arrival rate of the current phase in requests per second, 0 &lt; rate ≤ 50000. */
    public TrafficPlan atRate(double requestsPerSecond) {
        if (!(requestsPerSecond > 0) || requestsPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("atRate (phase '" + current().name + "'): given " + requestsPerSecond
                    + "; allowed: 0 < rate <= " + (long) MAX_RATE + " requests per second");
        }
        current().rate = requestsPerSecond;
        current().touched = true;
        return this;
    }

    /** The current phase lasts {@code duration} of arrival-grid time (ceil(rate × duration) requests). */
    public TrafficPlan forDuration(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("forDuration (phase '" + current().name + "'): given " + duration
                    + "; allowed: PT0.001S..PT24H");
        }
        current().duration = duration;
        current().requests = 0;
        current().touched = true;
        return this;
    }

    /** The current phase sends {@code count} requests on the arrival grid. */
    public TrafficPlan forRequests(long count) {
        if (count < 1 || count > 100_000_000L) {
            throw new IllegalArgumentException("forRequests (phase '" + current().name + "'): given " + count
                    + "; allowed: 1..100000000");
        }
        current().requests = count;
        current().duration = null;
        current().touched = true;
        return this;
    }

    /** Hard cap on scheduled requests over the whole run (sent plus dropped); default 1,000,000. */
    public TrafficPlan maxRequests(long cap) {
        if (cap < 1 || cap > 100_000_000L) {
            throw new IllegalArgumentException("maxRequests: given " + cap + "; allowed: 1..100000000");
        }
        this.maxRequests = cap;
        return this;
    }

    /** Hard cap on the run's sending time; default 30 min, allowed up to 24 h. */
    public TrafficPlan maxDuration(Duration cap) {
        if (cap == null || cap.isNegative() || cap.isZero() || cap.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("maxDuration: given " + cap + "; allowed: PT0.001S..PT24H");
        }
        this.maxDuration = cap;
        return this;
    }

    /**
     * Upper bound on requests sent but not yet finished; a grid slot that finds the bound reached is counted
     * as {@link PhaseResult#dropped() dropped}, not sent. Default 1000, allowed 1..100000.
     */
    public TrafficPlan maxInFlight(int bound) {
        if (bound < 1 || bound > 100_000) {
            throw new IllegalArgumentException("maxInFlight: given " + bound + "; allowed: 1..100000");
        }
        this.maxInFlight = bound;
        return this;
    }

    /**
     * Called on the scheduler thread with the phase name before each phase starts sending (e.g. to install a
     * fault between "baseline" and "injection"); the phase's grid starts after it returns.
     */
    public TrafficPlan onPhaseStart(Consumer<String> hook) {
        if (hook == null) {
            throw new IllegalArgumentException("onPhaseStart: given null; allowed: a Consumer<String>");
        }
        this.onPhaseStart = hook;
        return this;
    }

    /** Validates the plan and starts sending in the background. */
    public TrafficRun start() {
        return new TrafficRun(traffic, template, validatedPhases(), maxRequests, maxDuration, maxInFlight, onPhaseStart);
    }

    /** Starts and waits for the run (it always ends by itself: the caps bound it). */
    public TrafficResult run() {
        return start().awaitResult();
    }

    List<PhasePlan> validatedPhases() {
        List<PhasePlan> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Draft d : phases) {
            if (!names.add(d.name)) {
                throw new IllegalArgumentException("phase name: given '" + d.name + "' twice; allowed: unique names");
            }
            if (d.rate <= 0) {
                throw new IllegalArgumentException("atRate (phase '" + d.name + "'): not set; allowed: 0 < rate <= "
                        + (long) MAX_RATE + " requests per second");
            }
            if (d.duration == null && d.requests == 0) {
                throw new IllegalArgumentException("phase '" + d.name
                        + "': neither forDuration nor forRequests set; allowed: exactly one of them");
            }
            out.add(new PhasePlan(d.name, d.rate, d.duration, d.requests));
        }
        return List.copyOf(out);
    }
}
