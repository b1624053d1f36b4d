package io.github.safetyspaces.core.engine;

/** Starts the engine in a separate JVM for {@link EnginesTest}; prints the error and exits 3 on failure. */
public final class EngineProbe {

    private EngineProbe() {
    }

    /**
     * Starts the PyTorch engine.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        try {
            System.out.println("started " + Engines.pytorch().getVersion());
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }
}
