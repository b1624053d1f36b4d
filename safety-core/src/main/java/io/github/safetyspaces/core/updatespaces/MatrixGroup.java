package io.github.safetyspaces.core.updatespaces;

import java.util.List;
import java.util.Objects;

/**
 * One matrix whose update is decomposed and compared: a single tensor, or several tensors of one decoder
 * layer with a common column count, stacked along rows in the listed order. Its left singular vectors
 * live in R^d with d = {@code rows}.
 *
 * @param name the name in CSV files: the tensor name, or {@code model.layers.<i>[n=<columns>]} for a layer
 *     group
 * @param granularity the granularity that formed the group
 * @param layer the decoder layer index, or -1 for a tensor outside the decoder layers (embedding, final
 *     norm, output head)
 * @param tensors the member tensor names, in stacking order; one name at tensor granularity
 * @param rows m, the sum of the members' row counts
 * @param columns n, the column count that every member has
 */
public record MatrixGroup(String name, Granularity granularity, int layer, List<String> tensors, int rows,
        int columns) {

    /** Folder of the SVD cache entries of layer groups, apart from the entries named after tensors. */
    private static final String LAYER_CACHE_FOLDER = "layer-groups/";

    /** Checks the members and the shape. */
    public MatrixGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(granularity, "granularity");
        tensors = List.copyOf(tensors);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("Matrix group " + name + " has no tensors.");
        }
        if (granularity == Granularity.TENSOR && tensors.size() != 1) {
            throw new IllegalArgumentException("A tensor-granularity group contains exactly one tensor, but " + name
                    + " contains " + tensors + ".");
        }
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("Matrix group " + name + " must be at least 1 x 1, not " + rows + " x "
                    + columns + ".");
        }
    }

    /**
     * Returns the entry name of this group's SVD in an {@link io.github.safetyspaces.core.linalg.SvdCache}.
     * A group of one tensor, at either granularity, uses the tensor name: that is the entry the
     * {@code project} goal uses for the alignment update, and a one-tensor layer group is the same matrix
     * as the tensor. A layer group of several tensors uses a name in a folder of its own.
     */
    public String cacheEntry() {
        return tensors.size() == 1 ? tensors.get(0) : LAYER_CACHE_FOLDER + "layer-" + layer + "-n" + columns;
    }
}
