/**
 * Expectations about an experiment's results, set in a pom: bounds on a column, orderings between two
 * values, and comparisons with a committed baseline CSV.
 */
package io.github.safetyspaces.core.report.expect;
