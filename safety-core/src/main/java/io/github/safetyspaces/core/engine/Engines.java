package io.github.safetyspaces.core.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine offline.
 *
 * <p>DJL sends a usage-tracking request to the cloud metadata address at engine start unless the
 * system property {@code ai.djl.offline} is {@code true} (or the environment variable
 * {@code OPT_OUT_TRACKING} is {@code true}). This class sets the property before it touches any DJL
 * class, so every code path of the project that needs the engine goes through {@link #pytorch()}.
 */
public final class Engines {

    /** DJL's system property that disables downloads and usage tracking. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";

    private static final String ENGINE_NAME = "PyTorch";

    private Engines() {
    }

    /**
     * Sets DJL's offline property. Safe to call many times; call it before any DJL class loads.
     */
    public static void forceOffline() {
        System.setProperty(OFFLINE_PROPERTY, "true");
    }

    /**
     * Returns the PyTorch engine, started offline.
     *
     * @return the engine
     * @throws IllegalStateException if libtorch cannot be loaded, with the likely fix
     */
    public static Engine pytorch() {
        forceOffline();
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("Failed to load the native libtorch library for DJL's PyTorch engine: "
                    + e.getMessage() + ". The jar ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64)"
                    + " must be on the class path, or PYTORCH_LIBRARY_PATH must name a libtorch folder that matches"
                    + " pytorch-jni; downloads are disabled because the project runs offline.", e);
        }
    }

    /**
     * Returns libtorch's intra-op thread count, which {@code -Dai.djl.pytorch.num_threads=N} sets
     * (by default the number of cores). It decides how products and sums are split between threads,
     * and so the last bits of trained weights.
     *
     * @return the thread count of the started engine
     */
    public static int intraOpThreads() {
        pytorch();
        return JniUtils.getNumThreads();
    }
}
