/**
 * The experiment report: an HTML page of tables and line plots drawn as inline SVG, which opens without
 * network access.
 */
package io.github.safetyspaces.core.report.html;
