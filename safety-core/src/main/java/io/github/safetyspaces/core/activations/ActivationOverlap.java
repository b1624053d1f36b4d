package io.github.safetyspaces.core.activations;

import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.SubspaceOverlap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the activation subspaces of prompt sets at one hidden state: for every pair of sets,
 * every centring choice and every energy fraction η, k(η) of each set, their Mode Subspace Overlap
 * and its random baseline max(kx, ky) / D.
 *
 * <p>Each set is decomposed once per centring choice, and every pair and η reuse that SVD.
 */
public final class ActivationOverlap {

    private static final Logger LOG = LoggerFactory.getLogger(ActivationOverlap.class);

    private ActivationOverlap() {
    }

    /**
     * Computes the overlap rows of one hidden state.
     *
     * @param model the model's name, copied into the rows
     * @param layer the hidden-state index, copied into the rows
     * @param sets each set's N x D states by name, in order; at least two, all with the same D. Pairs
     *     are taken in this order: (1, 2), (1, 3), ..., (2, 3), ...
     * @param centring the centring choices to run, for example {@code [false]} or {@code [false, true]}
     * @param etas the energy fractions, each in (0, 1]
     * @return one row per centring choice, pair and η, in that nesting order. A row whose kx or ky is
     *     0 (a set without energy, see {@link SetSubspace#hasEnergy()}) has NaN for MSO and baseline.
     * @throws IllegalArgumentException if fewer than two sets are given or D differs
     */
    public static List<OverlapRow> compare(String model, int layer, Map<String, FloatMatrix> sets,
            List<Boolean> centring, List<Double> etas) {
        if (sets.size() < 2) {
            throw new IllegalArgumentException("Comparing subspaces needs at least two prompt sets, got "
                    + sets.keySet() + ".");
        }
        int dimension = sets.values().iterator().next().columns();
        for (Map.Entry<String, FloatMatrix> set : sets.entrySet()) {
            if (set.getValue().columns() != dimension) {
                throw new IllegalArgumentException("Prompt set '" + set.getKey() + "' has states of width "
                        + set.getValue().columns() + " but the others have " + dimension + "; all sets must come"
                        + " from the same model.");
            }
        }
        List<OverlapRow> rows = new ArrayList<>();
        for (boolean centre : centring) {
            List<SetSubspace> subspaces = new ArrayList<>();
            sets.forEach((name, states) -> subspaces.add(SetSubspace.of(name, states, centre)));
            for (SetSubspace subspace : subspaces) {
                if (!subspace.hasEnergy()) {
                    LOG.warn("Model {}, hidden state {}: the {}states of set '{}' ({} prompts) are {}, so they span no"
                            + " subspace; its rows get k = 0 and no MSO", model, layer, centre ? "centred " : "",
                            subspace.name(), subspace.promptCount(), centre ? "all equal" : "all zero");
                }
            }

            for (int i = 0; i < subspaces.size(); i++) {
                for (int j = i + 1; j < subspaces.size(); j++) {
                    SetSubspace x = subspaces.get(i);
                    SetSubspace y = subspaces.get(j);
                    for (double eta : etas) {
                        int kx = x.energyRank(eta);
                        int ky = y.energyRank(eta);
                        // An empty subspace has no overlap with anything: MSO and baseline are undefined.
                        boolean defined = kx > 0 && ky > 0;
                        double mso = defined ? SubspaceOverlap.modeSubspaceOverlap(x.svd(), kx, y.svd(), ky)
                                : Double.NaN;
                        double baseline = defined ? SubspaceOverlap.randomBaseline(dimension, kx, ky) : Double.NaN;
                        rows.add(new OverlapRow(model, layer, x.name(), y.name(), eta, centre, kx, ky, dimension,
                                mso, baseline));
                    }
                }
            }
        }
        return rows;
    }
}
