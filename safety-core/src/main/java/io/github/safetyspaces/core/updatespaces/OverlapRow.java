package io.github.safetyspaces.core.updatespaces;

import io.github.safetyspaces.core.linalg.SampledBaseline;
import io.github.safetyspaces.core.linalg.SubspaceOverlap;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The Mode Subspace Overlap of two updates of one matrix group at one energy fraction.
 *
 * <p>Degenerate rows: an update with no energy in the group (for example a tensor that a fine-tune left
 * unchanged) has k(η) = 0 for every η. Its subspace is empty, so MSO and the random baseline are
 * undefined; such a row has no MSO, no baselines, and {@link #degenerate()} is true.
 *
 * @param group the matrix group; d is its row count
 * @param pair the two updates
 * @param eta the energy fraction η in (0, 1]
 * @param kx k(η) of update x, in [0, min(m, n)]
 * @param ky k(η) of update y, in [0, min(m, n)]
 * @param mso the MSO, empty exactly when kx or ky is 0
 * @param sampledBaseline the sampled random baseline, or null when it was not requested or the row is degenerate
 */
public record OverlapRow(MatrixGroup group, UpdatePair pair, double eta, int kx, int ky, OptionalDouble mso,
        SampledBaseline sampledBaseline) {

    /** Checks that the MSO is present exactly for non-degenerate rows. */
    public OverlapRow {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(mso, "mso");
        boolean empty = kx == 0 || ky == 0;
        if (empty == mso.isPresent()) {
            throw new IllegalArgumentException("The MSO of " + pair.label() + " in " + group.name() + " at eta " + eta
                    + " must be " + (empty ? "absent" : "present") + " for kx = " + kx + " and ky = " + ky + ".");
        }
        if (empty && sampledBaseline != null) {
            throw new IllegalArgumentException("A degenerate row (kx = " + kx + ", ky = " + ky + ") has no sampled"
                    + " baseline.");
        }
    }

    /** Returns d, the dimension of the space of the left singular vectors: the group's row count. */
    public int dimension() {
        return group.rows();
    }

    /** Returns true when either update has no energy in this group, so that nothing can be compared. */
    public boolean degenerate() {
        return mso.isEmpty();
    }

    /** Returns the closed-form random baseline max(kx, ky) / d, empty for a degenerate row. */
    public OptionalDouble randomBaseline() {
        return degenerate()
                ? OptionalDouble.empty()
                : OptionalDouble.of(SubspaceOverlap.randomBaseline(dimension(), kx, ky));
    }
}
