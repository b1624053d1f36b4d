/**
 * Checks and reports of an experiment's result files: reading CSV tables, checking every file against
 * the generic rules and, for the files the goals write, their schemas ({@code schema}), checking the
 * expectations of a pom ({@code expect}), and writing {@code summary.md}, the HTML report
 * ({@code html}) and the SHA-256 manifest that the {@code verify} goal leaves beside the results.
 */
package io.github.safetyspaces.core.report;
