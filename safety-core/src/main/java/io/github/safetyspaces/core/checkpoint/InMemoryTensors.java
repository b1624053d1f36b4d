package io.github.safetyspaces.core.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TensorSource} over tensors held in memory, in insertion order.
 */
public final class InMemoryTensors implements TensorSource {

    private final Map<String, FloatTensor> tensors;

    /**
     * Wraps a map of tensors; later changes to the map are not seen.
     *
     * @param tensors tensors by name
     */
    public InMemoryTensors(Map<String, FloatTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public long[] shape(String name) {
        return get(name).shape();
    }

    @Override
    public FloatTensor read(String name) {
        return get(name);
    }

    private FloatTensor get(String name) {
        FloatTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("No tensor named '" + name + "'.");
        }
        return tensor;
    }
}
