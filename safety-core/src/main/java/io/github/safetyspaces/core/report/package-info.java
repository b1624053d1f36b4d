/**
 * Checks and summaries of an experiment's result files: reading CSV tables, finding invalid cells,
 * and writing the Markdown summary that the {@code verify} goal prints the path of.
 */
package io.github.safetyspaces.core.report;
