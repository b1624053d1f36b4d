/**
 * Instruction data for supervised fine-tuning: reading JSON Lines, JSON and CSV data sets into
 * {@link io.github.safetyspaces.core.data.InstructionExample}s with field mapping, filters and seeded
 * subsets ({@link io.github.safetyspaces.core.data.InstructionData}), mixing data sets in set
 * proportions ({@link io.github.safetyspaces.core.data.DataMixture}), rendering prompts
 * ({@link io.github.safetyspaces.core.data.PromptTemplate}), tokenizing with response-only loss
 * ({@link io.github.safetyspaces.core.data.SftEncoder}) and batching for a training step
 * ({@link io.github.safetyspaces.core.data.SftBatches}).
 */
package io.github.safetyspaces.core.data;
