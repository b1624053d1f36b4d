package io.github.safetyspaces.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moves named float32 arrays, such as weights or optimizer moments, to and from named tensors,
 * bit for bit, for the training state.
 */
final class NamedArrays {

    private NamedArrays() {
    }

    /**
     * Returns a view of float32 arrays as tensors; each read copies one array.
     *
     * @param arrays the arrays by name, all float32
     * @return the view; it reads the live arrays
     */
    static TensorSource view(Map<String, NDArray> arrays) {
        return new TensorSource() {
            @Override
            public Set<String> names() {
                return arrays.keySet();
            }

            @Override
            public long[] shape(String name) {
                return get(arrays, name).getShape().getShape();
            }

            @Override
            public FloatTensor read(String name) {
                NDArray array = get(arrays, name);
                requireFloat32(name, array);
                return new FloatTensor(array.getShape().getShape(), array.toFloatArray());
            }
        };
    }

    /**
     * Overwrites float32 arrays in place with the tensors of the same names.
     *
     * @param arrays the arrays to overwrite
     * @param source tensors with exactly the arrays' names and shapes
     * @param label what the tensors are, for messages
     * @throws StateMismatchException naming the missing, extra or mis-shaped tensors
     */
    static void copyInto(Map<String, NDArray> arrays, TensorSource source, String label) {
        if (!arrays.keySet().equals(source.names())) {
            Set<String> missing = new TreeSet<>(arrays.keySet());
            missing.removeAll(source.names());
            Set<String> extra = new TreeSet<>(source.names());
            extra.removeAll(arrays.keySet());
            throw new StateMismatchException("The training state's " + label + " do not match the model: missing "
                    + missing + ", unexpected " + extra);
        }
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            NDArray array = entry.getValue();
            requireFloat32(entry.getKey(), array);
            FloatTensor tensor = source.read(entry.getKey());
            long[] shape = array.getShape().getShape();
            if (!Arrays.equals(shape, tensor.shape())) {
                throw new StateMismatchException("The training state's " + label + " '" + entry.getKey()
                        + "' has shape " + Arrays.toString(tensor.shape()) + " but the model needs "
                        + Arrays.toString(shape));
            }
            array.set(tensor.data());
        }
    }

    private static NDArray get(Map<String, NDArray> arrays, String name) {
        NDArray array = arrays.get(name);
        if (array == null) {
            throw new IllegalArgumentException("No array named '" + name + "'.");
        }
        return array;
    }

    /**
     * Checks that an array can be saved in a training state without losing bits.
     *
     * @param name the array's name, for the message
     * @param array the array
     * @throws IllegalStateException when it is not float32, with the fix
     */
    static void requireFloat32(String name, NDArray array) {
        // A float64 array would lose bits in a float32 file, and the resumed run would differ.
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("A training state stores float32 arrays, but '" + name + "' is "
                    + array.getDataType() + "; train in float32 or set stateEvery to 0.");
        }
    }
}
