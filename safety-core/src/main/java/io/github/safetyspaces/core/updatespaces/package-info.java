/**
 * The update-spaces analysis: Mode Subspace Overlap of the principal directions of weight updates, per
 * tensor or per decoder layer ({@link io.github.safetyspaces.core.updatespaces.UpdateSpaces}), with the
 * grouping of tensors into matrices ({@link io.github.safetyspaces.core.updatespaces.MatrixGroups}) and the
 * CSV tables ({@link io.github.safetyspaces.core.updatespaces.OverlapTables}).
 */
package io.github.safetyspaces.core.updatespaces;
