package io.github.safetyspaces.core.checkpoint;

import java.io.Closeable;
import java.util.Set;

/**
 * Named tensors that can be read one at a time, such as a safetensors file, a sharded checkpoint
 * or tensors held in memory. Reading one tensor never loads the others.
 */
public interface TensorSource extends Closeable {

    /**
     * Returns the tensor names, in a stable order.
     *
     * @return the names
     */
    Set<String> names();

    /**
     * Returns the shape of a tensor without reading its data.
     *
     * @param name tensor name
     * @return dimensions, outermost first
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    long[] shape(String name);

    /**
     * Reads a floating-point tensor and converts it to float32.
     *
     * @param name tensor name
     * @return the tensor
     * @throws IllegalArgumentException if there is no tensor of that name or it is not floating point
     */
    FloatTensor read(String name);

    /** Releases files or mappings; the default does nothing. */
    @Override
    default void close() {
    }
}
