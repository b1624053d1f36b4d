package io.github.safetyspaces.core.updatespaces;

import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import java.util.Objects;

/**
 * A named weight update {@code to - from} between two open checkpoints with the same tensors, for example
 * the alignment update {@code WA - W0} or a task update {@code WF - WA}. The checkpoints stay owned by the
 * caller, which closes them.
 *
 * @param name the update's name in CSV files and in pairs, for example {@code useful}
 * @param from the checkpoint subtracted
 * @param to the checkpoint it is subtracted from
 * @param cacheKey the SVD cache key of the two checkpoints, from
 *     {@link io.github.safetyspaces.core.linalg.SvdCache#updateKey}
 */
public record WeightUpdate(String name, TensorSource from, TensorSource to, String cacheKey) {

    /** Checks that every part is present. */
    public WeightUpdate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cacheKey, "cacheKey");
    }

    /**
     * Builds the update of one group: each member's {@code to - from}, reshaped to the group's column count
     * and stacked along rows in member order. Row-major storage makes the stacking a concatenation.
     *
     * @param group the group
     * @return a rows x columns float32 matrix
     * @throws IllegalArgumentException if a member's size in either checkpoint differs from the group's shape
     */
    public FloatMatrix matrix(MatrixGroup group) {
        float[] stacked = new float[Math.multiplyExact(group.rows(), group.columns())];
        int offset = 0;
        for (String tensor : group.tensors()) {
            float[] newer = to.read(tensor).data();
            float[] older = from.read(tensor).data();
            if (newer.length != older.length || offset + newer.length > stacked.length) {
                throw new IllegalArgumentException("Tensor " + tensor + " of update '" + name + "' has " + newer.length
                        + " elements in one checkpoint and " + older.length + " in the other, which does not fit the "
                        + group.rows() + " x " + group.columns() + " matrix " + group.name() + "; the checkpoints"
                        + " must share an architecture.");
            }
            for (int i = 0; i < newer.length; i++) {
                stacked[offset + i] = newer[i] - older[i];
            }
            offset += newer.length;
        }
        if (offset != stacked.length) {
            throw new IllegalArgumentException("The tensors " + group.tensors() + " of update '" + name + "' have "
                    + offset + " elements, but the matrix " + group.name() + " is " + group.rows() + " x "
                    + group.columns() + "; the checkpoints must share an architecture.");
        }
        return new FloatMatrix(group.rows(), group.columns(), stacked);
    }
}
