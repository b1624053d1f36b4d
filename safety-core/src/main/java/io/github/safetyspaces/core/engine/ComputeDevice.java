package io.github.safetyspaces.core.engine;

import ai.djl.Device;
import java.util.Locale;

/**
 * The device a model runs on, as a user names it: {@code cpu}, {@code gpu} or {@code auto}.
 */
public enum ComputeDevice {
    /** The CPU, always available. */
    CPU,
    /** The first GPU; fails when the engine finds none. */
    GPU,
    /** The first GPU when the engine finds one, otherwise the CPU. */
    AUTO;

    /**
     * Parses a device name, ignoring case.
     *
     * @param name {@code cpu}, {@code gpu} or {@code auto}
     * @return the device choice
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ComputeDevice parse(String name) {
        if (name == null) {
            return AUTO;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid device '" + name + "': use cpu, gpu or auto.", e);
        }
    }

    /**
     * Resolves this choice to a DJL device, starting the engine if needed.
     *
     * @return the DJL device
     * @throws IllegalStateException if {@code gpu} is requested and the engine finds no GPU
     */
    public Device toDjl() {
        if (this == CPU) {
            return Device.cpu();
        }
        int gpus = Engines.pytorch().getGpuCount();
        if (this == GPU && gpus == 0) {
            throw new IllegalStateException("Device 'gpu' was requested but libtorch sees no GPU: use the Maven"
                    + " profile 'cuda' or PYTORCH_LIBRARY_PATH with a CUDA libtorch, or set the device to cpu.");
        }
        return gpus > 0 ? Device.gpu() : Device.cpu();
    }
}
