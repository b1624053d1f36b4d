/**
 * The embedded default experiment, a scaled-down run of the study on stories260K: its generated
 * data sets ({@link io.github.safetyspaces.core.embedded.EmbeddedDatasets}) and its measured
 * alignment and fine-tuning settings ({@link io.github.safetyspaces.core.embedded.EmbeddedRecipe}).
 */
package io.github.safetyspaces.core.embedded;
