package io.github.safetyspaces.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values of past positions, one pair of arrays per decoder layer, for incremental
 * decoding. Arrays are {@code (B, nKvHeads, S, headDim)}: batch, key/value heads, cached
 * positions, head width; keys are stored after the rotary embedding.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    /**
     * Creates an empty cache whose arrays live in a sub-manager of {@code parent}.
     *
     * @param parent manager that owns the cache's manager
     * @param numLayers decoder layers of the model
     */
    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /**
     * Returns the number of cached positions, as seen by layer 0.
     *
     * @return cached sequence length, 0 when empty
     */
    public int length() {
        return keys[0] == null ? 0 : Math.toIntExact(keys[0].getShape().get(2));
    }

    /**
     * Appends the keys and values of new positions to one layer's cache.
     *
     * @param layer layer index
     * @param newKeys {@code (B, nKvHeads, T, headDim)}
     * @param newValues {@code (B, nKvHeads, T, headDim)}
     * @return the keys and values of all positions, {@code (B, nKvHeads, S + T, headDim)}
     */
    NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
        NDArray allKeys = keys[layer] == null ? newKeys : keys[layer].concat(newKeys, 2);
        NDArray allValues = values[layer] == null ? newValues : values[layer].concat(newValues, 2);

        // The step's manager closes after each step; the cache must outlive it.
        allKeys.attach(manager);
        allValues.attach(manager);
        if (keys[layer] != null && keys[layer] != allKeys) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = allKeys;
        values[layer] = allValues;
        return new NDArray[] {allKeys, allValues};
    }

    /** Frees every cached array. */
    @Override
    public void close() {
        manager.close();
    }
}
