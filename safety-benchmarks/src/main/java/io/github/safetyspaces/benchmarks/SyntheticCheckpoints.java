package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.model.WeightNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes three float32 checkpoints with the decoder-layer shapes of Llama-3.2-1B, for the
 * projection benchmarks: {@code base.safetensors} (W0), {@code aligned.safetensors} (WA = W0 + a
 * full-rank random update) and {@code finetuned.safetensors} (WF = WA + another full-rank random
 * update). Per layer: q and o 2048 x 2048, k and v 512 x 2048, gate and up 8192 x 2048, down
 * 2048 x 8192, two norm vectors of 2048; 60.8M values, 243 MB. The embedding and the output head
 * (128256 x 2048 each) are left out: the projection treats every matrix alike, and these two would
 * double a one-layer run's time without telling anything new.
 *
 * <p>Values are uniform, not Gaussian: drawing 700M Gaussians would take minutes, and the SVD and
 * the projection cost the same for any full-rank matrix. Each tensor is generated when the writer
 * reads it, so memory contains one tensor at a time.
 */
public final class SyntheticCheckpoints {

    /** File of W0. */
    public static final String BASE = "base.safetensors";

    /** File of WA. */
    public static final String ALIGNED = "aligned.safetensors";

    /** File of WF. */
    public static final String FINETUNED = "finetuned.safetensors";

    private static final float WEIGHT_SCALE = 0.02f;
    private static final float UPDATE_SCALE = 0.002f;

    private SyntheticCheckpoints() {
    }

    /**
     * Writes the checkpoints. The arguments are the folder, the layer count and an optional divisor of
     * every dimension (16 gives a tiny checkpoint of the same structure, for measuring fixed overhead).
     *
     * @param args {@code DIR LAYERS [DIVISOR]}
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("Usage: SyntheticCheckpoints DIR LAYERS [DIVISOR], for example"
                    + " SyntheticCheckpoints target/bench-ckpt 1");
        }
        Path folder = Path.of(args[0]);
        int layers = Integer.parseInt(args[1]);
        int divisor = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long started = System.nanoTime();
        write(folder, layers, divisor);
        System.out.printf(Locale.ROOT, "synthetic-checkpoints dir=%s layers=%d divisor=%d bytes_each=%d seconds=%.1f%n",
                folder, layers, divisor, bytes(shapes(layers, divisor)), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Writes the three checkpoints into a folder, created if needed.
     *
     * @param folder target folder
     * @param layers decoder layers
     * @param divisor every dimension is divided by it, 1 for the real shapes
     */
    public static void write(Path folder, int layers, int divisor) {
        Map<String, long[]> shapes = shapes(layers, divisor);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(folder.resolve(BASE), new Generated(shapes, 0), SafetensorsDType.F32, Map.of());
        SafetensorsWriter.write(folder.resolve(ALIGNED), new Generated(shapes, 1), SafetensorsDType.F32, Map.of());
        SafetensorsWriter.write(folder.resolve(FINETUNED), new Generated(shapes, 2), SafetensorsDType.F32, Map.of());
    }

    /**
     * Returns the tensor shapes of {@code layers} Llama-3.2-1B decoder layers.
     *
     * @param layers decoder layers
     * @param divisor every dimension is divided by it
     * @return shapes by Hugging Face name, in layer order
     */
    public static Map<String, long[]> shapes(int layers, int divisor) {
        long hidden = 2048 / divisor;
        long kv = 512 / divisor;
        long mlp = 8192 / divisor;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int layer = 0; layer < layers; layer++) {
            shapes.put(WeightNames.inputLayernorm(layer), new long[] {hidden});
            shapes.put(WeightNames.qProj(layer), new long[] {hidden, hidden});
            shapes.put(WeightNames.kProj(layer), new long[] {kv, hidden});
            shapes.put(WeightNames.vProj(layer), new long[] {kv, hidden});
            shapes.put(WeightNames.oProj(layer), new long[] {hidden, hidden});
            shapes.put(WeightNames.postAttentionLayernorm(layer), new long[] {hidden});
            shapes.put(WeightNames.gateProj(layer), new long[] {mlp, hidden});
            shapes.put(WeightNames.upProj(layer), new long[] {mlp, hidden});
            shapes.put(WeightNames.downProj(layer), new long[] {hidden, mlp});
        }
        return shapes;
    }

    /**
     * Returns the float32 size of a set of tensors.
     *
     * @param shapes shapes by name
     * @return bytes of data, header excluded
     */
    public static long bytes(Map<String, long[]> shapes) {
        return shapes.values().stream().mapToLong(FloatTensor::elementCount).sum() * Float.BYTES;
    }

    /** W0 plus the first {@code updates} random updates of each tensor, generated on read. */
    private static final class Generated implements TensorSource {
        private final Map<String, long[]> shapes;
        private final int updates;

        Generated(Map<String, long[]> shapes, int updates) {
            this.shapes = shapes;
            this.updates = updates;
        }

        @Override
        public Set<String> names() {
            return shapes.keySet();
        }

        @Override
        public long[] shape(String name) {
            return shapes.get(name);
        }

        @Override
        public FloatTensor read(String name) {
            long[] shape = shapes.get(name);
            float[] values = new float[Math.toIntExact(FloatTensor.elementCount(shape))];
            if (shape.length == 1) {
                Arrays.fill(values, 1f);
            }
            // Stream 0 is W0 (matrices only) and stream i > 0 the i-th update, each seeded by the tensor name.
            for (int stream = shape.length == 1 ? 1 : 0; stream <= updates; stream++) {
                SplittableRandom random = new SplittableRandom(name.hashCode() * 31L + stream);
                float scale = stream == 0 ? WEIGHT_SCALE : UPDATE_SCALE;
                for (int i = 0; i < values.length; i++) {
                    values[i] += scale * (random.nextInt() * 0x1p-31f);
                }
            }
            return new FloatTensor(shape, values);
        }
    }
}
