/**
 * Open-model traffic driver (data-flow step 4, "Drive"): constant arrival rate per named phase, hard caps on
 * request count and duration, coordinated-omission-corrected latency in HdrHistogram, counts per phase and
 * response code, and a probe gate for readiness. Requests are described with rest-assured and sent by an
 * asynchronous Vert.x engine from a {@link io.k1s0.fault.traffic.Vantage} inside the mesh. Imports nothing
 * else of ours.
 */
package io.k1s0.fault.traffic;
