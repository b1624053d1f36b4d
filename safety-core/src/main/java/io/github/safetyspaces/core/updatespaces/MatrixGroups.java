package io.github.safetyspaces.core.updatespaces;

import io.github.safetyspaces.core.model.WeightNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a checkpoint's tensors into the matrices whose updates are compared.
 *
 * <p>Reshaping: a tensor of shape [m, n] is an m x n matrix. A 1-D tensor of length n is an n x 1 matrix, so
 * its update has one direction and the MSO of two such updates is their squared cosine. A tensor of shape
 * [a, b, c, ...] is an a x (b c ...) matrix in row-major order, as PyTorch's {@code flatten(1)} gives. Scalars
 * are left out with a warning, because all non-zero updates of a 1 x 1 matrix share one direction.
 *
 * <p>Layer groups: stacking matrices along rows needs one column count, and a Llama or Qwen decoder layer
 * has several. The q, k, v, o, gate and up projections have n = hidden size, the down projection has
 * n = MLP size, and norm weights and biases have n = 1 after reshaping. Each layer therefore gives one group
 * per column count, with the members in checkpoint order. Transposing the down projection to force one
 * group was rejected: its left singular vectors would then be directions of its input space, while those
 * of the other matrices are directions of their output spaces. Tensors outside the decoder layers
 * (embedding, final norm, output head) belong to no layer group; they appear at tensor granularity only.
 */
public final class MatrixGroups {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixGroups.class);

    /** The largest number of elements of a Java float array on common JVMs. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private MatrixGroups() {
    }

    /**
     * Forms the groups of one granularity.
     *
     * @param shapes tensor shapes by name, in checkpoint order
     * @param granularity tensor or layer
     * @return the groups: at tensor granularity in checkpoint order, at layer granularity by layer index
     *     and then by first appearance of the column count
     * @throws IllegalArgumentException if a matrix has more elements than a Java array can store
     */
    public static List<MatrixGroup> partition(Map<String, long[]> shapes, Granularity granularity) {
        List<MatrixGroup> groups = new ArrayList<>();
        Map<List<Integer>, List<String>> membersByLayerAndColumns = new LinkedHashMap<>();
        Map<List<Integer>, Integer> rowsByLayerAndColumns = new LinkedHashMap<>();
        int outsideLayers = 0;

        // Reshape every tensor and either emit it (tensor) or file it under (layer, columns) (layer).
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            String name = entry.getKey();
            long[] shape = entry.getValue();
            if (shape.length == 0) {
                LOG.warn("Leaving out the scalar tensor {}: a 1 x 1 update has a single direction.", name);
                continue;
            }
            int[] matrix = matrixShape(name, shape);
            OptionalInt layer = WeightNames.layerIndex(name);
            if (granularity == Granularity.TENSOR) {
                groups.add(new MatrixGroup(name, granularity, layer.orElse(-1), List.of(name), matrix[0], matrix[1]));
            } else if (layer.isEmpty()) {
                outsideLayers++;
            } else {
                List<Integer> key = List.of(layer.getAsInt(), matrix[1]);
                membersByLayerAndColumns.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
                rowsByLayerAndColumns.merge(key, matrix[0], Math::addExact);
            }
        }
        if (granularity == Granularity.TENSOR) {
            return groups;
        }

        // Stack each (layer, columns) set; the stable sort keeps first-appearance order within a layer.
        for (Map.Entry<List<Integer>, List<String>> entry : membersByLayerAndColumns.entrySet()) {
            int layer = entry.getKey().get(0);
            int columns = entry.getKey().get(1);
            int rows = rowsByLayerAndColumns.get(entry.getKey());
            String name = "model.layers." + layer + "[n=" + columns + "]";
            requireArraySize(name, rows, columns);
            groups.add(new MatrixGroup(name, granularity, layer, entry.getValue(), rows, columns));
        }
        groups.sort(Comparator.comparingInt(MatrixGroup::layer));
        if (outsideLayers > 0) {
            LOG.info("Layer granularity leaves out {} tensor(s) outside the decoder layers; they appear at tensor"
                    + " granularity only.", outsideLayers);
        }
        return groups;
    }

    /**
     * Returns the matrix shape {rows, columns} of a tensor shape with at least one dimension.
     *
     * @param name tensor name, for messages
     * @param shape the tensor shape
     * @return {m, n}
     */
    static int[] matrixShape(String name, long[] shape) {
        long rows = shape[0];
        long columns = 1;
        for (int i = 1; i < shape.length; i++) {
            columns = Math.multiplyExact(columns, shape[i]);
        }
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("Tensor " + name + " has the empty shape " + Arrays.toString(shape)
                    + "; an update needs at least one element.");
        }
        requireArraySize(name, rows, columns);
        return new int[] {(int) rows, (int) columns};
    }

    private static void requireArraySize(String name, long rows, long columns) {
        if (rows > MAX_ARRAY_LENGTH || columns > MAX_ARRAY_LENGTH || rows * columns > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("The matrix " + name + " is " + rows + " x " + columns + ", more"
                    + " elements than a Java array can store (" + MAX_ARRAY_LENGTH + "), so it cannot be decomposed"
                    + " here; the tensors of a layer group this large can still be compared at tensor granularity.");
        }
    }
}
