package io.github.safetyspaces.core.report;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.report.expect.ColumnBound;
import io.github.safetyspaces.core.report.expect.Expectation;
import io.github.safetyspaces.core.report.html.ExperimentReport;
import io.github.safetyspaces.core.updatespaces.Granularity;
import io.github.safetyspaces.core.updatespaces.UpdatePair;
import io.github.safetyspaces.core.updatespaces.UpdateSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process that {@link InterruptedWriteTest} kills, started in a fresh JVM: it writes the results of a
 * real update-spaces analysis and then what the {@code verify} goal writes, over and over, into one folder.
 *
 * <p>Arguments: {@code INPUTS OUTPUT READY}. INPUTS contains the checkpoints of {@link #writeCheckpoints}.
 * Creates READY before the first write. Iteration i uses the energy fractions of {@link #etas}, so that each
 * iteration's two tables differ from the previous iteration's, and a mixed pair can be told apart.
 */
public final class InterruptedWriteProbe {

    /** Tensors of the tiny checkpoints: two decoder layers of hidden size 8. */
    private static final Map<String, long[]> SHAPES = shapes();

    private InterruptedWriteProbe() {
    }

    /**
     * Runs iterations until killed.
     *
     * @param args INPUTS, OUTPUT and READY as described on the class
     * @throws Exception when a write fails
     */
    public static void main(String[] args) throws Exception {
        Path inputs = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Files.createFile(Path.of(args[2]));
        for (int i = 0; ; i++) {
            writeOnce(inputs, output, i);
            System.out.println("Iteration " + i + " complete");
        }
    }

    /**
     * Runs one iteration: the analysis, then the summary, the report and the manifest.
     *
     * @param inputs the folder of {@link #writeCheckpoints}
     * @param output the experiment folder
     * @param iteration selects the energy fractions
     * @return the analysis result
     */
    static UpdateSpaces.Result writeOnce(Path inputs, Path output, int iteration) {
        UpdateSpaces.Result result = UpdateSpaces.run(new UpdateSpaces.Request(inputs.resolve("base"),
                inputs.resolve("aligned"), Map.of("useful", inputs.resolve("useful")), null,
                List.of(UpdatePair.parse("useful:alignment")), List.of(Granularity.TENSOR, Granularity.LAYER),
                etas(iteration), 0, 5, output, output.resolve("svd-cache")));
        Manifest.remove(output);
        ExperimentSummary.write(output, "probe");
        ExperimentReport.write("probe", Verification.run(output, expectations()));
        Manifest.write(output);
        return result;
    }

    /** Returns the energy fractions of an iteration: 0.5 and one that is different in 40 iterations running. */
    static List<Double> etas(int iteration) {
        return List.of(0.5, (50 + iteration % 40 + 1) / 100.0);
    }

    /** Returns expectations on both tables, which fail when a table is missing. */
    static List<Expectation> expectations() {
        return List.of(new ColumnBound("overlaps", UpdateSpaces.CSV, RowSelector.ALL, "mso", 0.0, 1.0),
                new ColumnBound("summary", UpdateSpaces.SUMMARY_CSV, RowSelector.ALL, "mean_mso", 0.0, 1.0));
    }

    /**
     * Writes the checkpoints {@code base}, {@code aligned} and {@code useful} with random weights.
     *
     * @param inputs the folder to write them into
     */
    static void writeCheckpoints(Path inputs) {
        Random random = new Random(7);
        for (String name : List.of("base", "aligned", "useful")) {
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            SHAPES.forEach((tensor, shape) -> {
                float[] data = new float[(int) (shape[0] * (shape.length == 1 ? 1 : shape[1]))];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextGaussian();
                }
                tensors.put(tensor, new FloatTensor(shape, data));
            });
            AtomicFiles.createDirectories(inputs.resolve(name), "checkpoint folder");
            SafetensorsWriter.write(inputs.resolve(name).resolve("model.safetensors"), tensors, SafetensorsDType.F32,
                    Map.of("format", "pt"));
        }
    }

    private static Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {16, 8});
        for (int layer = 0; layer < 2; layer++) {
            String prefix = "model.layers." + layer + ".";
            shapes.put(prefix + "input_layernorm.weight", new long[] {8});
            shapes.put(prefix + "self_attn.q_proj.weight", new long[] {8, 8});
            shapes.put(prefix + "self_attn.k_proj.weight", new long[] {4, 8});
            shapes.put(prefix + "mlp.down_proj.weight", new long[] {8, 12});
        }
        shapes.put("model.norm.weight", new long[] {8});
        return shapes;
    }
}
