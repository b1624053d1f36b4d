/**
 * Benchmarks of training, generation, the projection sweep and its memory use; see
 * {@code docs/benchmarks.md} for the commands, the machine and the results.
 *
 * <p>Every entry point calls {@link io.github.safetyspaces.core.engine.Engines#forceOffline()} before
 * any DJL class loads, and the scripts export {@code OPT_OUT_TRACKING=true} as well.
 */
package io.github.safetyspaces.benchmarks;
