package io.k1s0.fault.experiment;

/**
 * Seam for the verdict package: how many requests make an expectation conclusive. The experiment model does not
 * compute sample sizes itself; the runner plugs in the statistics-backed implementation.
 */
@FunctionalInterface
public interface SampleSizePlanner {

    /** The number of requests needed in the injection phase for {@code expectation} to be judged. */
    long requiredRequests(Experiment experiment, Experiment.Expectation expectation);
}
