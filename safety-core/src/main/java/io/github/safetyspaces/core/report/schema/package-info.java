/**
 * The layout of each kind of result CSV that the goals write, column by column, and the check of a
 * table against it.
 */
package io.github.safetyspaces.core.report.schema;
