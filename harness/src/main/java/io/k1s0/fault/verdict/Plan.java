package io.k1s0.fault.verdict;

/**
 * How many requests a verdict needs, and why, in one sentence a test author can act on.
 *
 * @param requests the minimum number of requests (or observations) for a conclusive verdict
 * @param explanation the formula and inputs that gave it
 */
public record Plan(long requests, String explanation) {}
