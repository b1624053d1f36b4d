package io.github.safetyspaces.core.updatespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.linalg.Reference;
import io.github.safetyspaces.core.linalg.SvdCache;
import io.github.safetyspaces.core.projection.ReferenceBases;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update-spaces analysis end to end, on small checkpoints written by the test, with updates whose
 * spectra and subspaces are constructed so that k(η) and MSO are known without the code under test.
 */
class UpdateSpacesTest {

    private static final String EMBED = "model.embed_tokens.weight";
    private static final String NORM = "model.norm.weight";
    private static final String Q0 = "model.layers.0.self_attn.q_proj.weight";
    private static final String K0 = "model.layers.0.self_attn.k_proj.weight";
    private static final String DOWN0 = "model.layers.0.mlp.down_proj.weight";
    private static final String NORM0 = "model.layers.0.input_layernorm.weight";
    private static final String Q1 = "model.layers.1.self_attn.q_proj.weight";
    private static final String K1 = "model.layers.1.self_attn.k_proj.weight";
    private static final String NORM1 = "model.layers.1.input_layernorm.weight";

    /** Two decoder layers of hidden size 6: per layer 6 x 1, 12 x 6 (q and k) and 6 x 10 groups. */
    private static final Map<String, long[]> SHAPES = shapes();

    @TempDir
    Path temporary;

    private static Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBED, new long[] {10, 6});
        for (int layer = 0; layer < 2; layer++) {
            String prefix = "model.layers." + layer + ".";
            shapes.put(prefix + "input_layernorm.weight", new long[] {6});
            shapes.put(prefix + "self_attn.q_proj.weight", new long[] {8, 6});
            shapes.put(prefix + "self_attn.k_proj.weight", new long[] {4, 6});
            shapes.put(prefix + "mlp.down_proj.weight", new long[] {6, 10});
        }
        shapes.put(NORM, new long[] {6});
        return shapes;
    }

    // ---- Building checkpoints ----

    /** Returns the rows x columns of a tensor as a matrix; a 1-D tensor is n x 1. */
    private static int[] matrixShape(long[] shape) {
        return new int[] {(int) shape[0], shape.length == 1 ? 1 : (int) shape[1]};
    }

    /** Returns weights of the given shapes with entries N(0, scale²), each tensor as a matrix. */
    private static Map<String, double[][]> gaussian(Map<String, long[]> shapes, Random random, double scale) {
        Map<String, double[][]> weights = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            int[] matrix = matrixShape(shape);
            double[][] values = Reference.gaussian(matrix[0], matrix[1], random);
            for (double[] row : values) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= scale;
                }
            }
            weights.put(name, values);
        });
        return weights;
    }

    /** Returns {@code weights + update}, with tensors that the update lacks unchanged. */
    private static Map<String, double[][]> plus(Map<String, double[][]> weights, Map<String, double[][]> update) {
        Map<String, double[][]> sum = new LinkedHashMap<>();
        weights.forEach((name, values) -> {
            double[][] delta = update.get(name);
            double[][] result = new double[values.length][values[0].length];
            for (int i = 0; i < values.length; i++) {
                for (int j = 0; j < values[0].length; j++) {
                    result[i][j] = values[i][j] + (delta == null ? 0 : delta[i][j]);
                }
            }
            sum.put(name, result);
        });
        return sum;
    }

    /** Writes a checkpoint directory with one float32 {@code model.safetensors}. */
    private Path write(String name, Map<String, double[][]> weights, Map<String, long[]> shapes) throws IOException {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        weights.forEach((tensor, values) -> {
            float[] data = new float[values.length * values[0].length];
            for (int i = 0; i < values.length; i++) {
                for (int j = 0; j < values[0].length; j++) {
                    data[i * values[0].length + j] = (float) values[i][j];
                }
            }
            tensors.put(tensor, new FloatTensor(shapes.get(tensor), data));
        });
        Path directory = Files.createDirectories(temporary.resolve(name));
        SafetensorsWriter.write(directory.resolve("model.safetensors"), tensors, SafetensorsDType.F32,
                Map.of("format", "pt"));
        return directory;
    }

    private Path write(String name, Map<String, double[][]> weights) throws IOException {
        return write(name, weights, SHAPES);
    }

    /** Returns U diag(s) Vᵀ for U (m x r) and V (n x r) with orthonormal columns. */
    private static double[][] withSpectrum(double[][] left, double[] singularValues, double[][] right) {
        double[][] scaled = Reference.columns(left, 0, singularValues.length);
        for (double[] row : scaled) {
            for (int p = 0; p < singularValues.length; p++) {
                row[p] *= singularValues[p];
            }
        }
        return Reference.multiply(scaled, Reference.transpose(right));
    }

    // ---- References computed without the code under test ----

    /** Returns k(η) by its definition, in double: the smallest k whose top-k energies reach η of the total. */
    private static int referenceEnergyRank(double[] singularValues, double eta) {
        double[] sorted = singularValues.clone();
        Arrays.sort(sorted);
        double total = 0;
        for (double value : sorted) {
            total += value * value;
        }
        double reached = 0;
        for (int k = 1; k <= sorted.length; k++) {
            double value = sorted[sorted.length - k];
            reached += value * value;
            if (reached >= eta * total) {
                return k;
            }
        }
        return sorted.length;
    }

    /** Reads the stored float32 weights of tensors and returns their stacked difference {@code to - from}. */
    private static double[][] storedDifference(Path from, Path to, List<String> tensors) {
        List<double[]> rows = new ArrayList<>();
        try (SafetensorsFile older = SafetensorsFile.open(from.resolve("model.safetensors"));
                SafetensorsFile newer = SafetensorsFile.open(to.resolve("model.safetensors"))) {
            for (String tensor : tensors) {
                int[] shape = matrixShape(older.shape(tensor));
                float[] a = older.read(tensor).data();
                float[] b = newer.read(tensor).data();
                for (int i = 0; i < shape[0]; i++) {
                    double[] row = new double[shape[1]];
                    for (int j = 0; j < shape[1]; j++) {
                        row[j] = (double) b[i * shape[1] + j] - a[i * shape[1] + j];
                    }
                    rows.add(row);
                }
            }
        }
        return rows.toArray(double[][]::new);
    }

    // ---- Running and reading results ----

    private static final List<Granularity> BOTH = List.of(Granularity.TENSOR, Granularity.LAYER);

    private UpdateSpaces.Request request(Path base, Path aligned, Map<String, Path> finetunes, Path safety,
            List<String> pairs, List<Granularity> granularities, List<Double> etas, int trials, String output) {
        return new UpdateSpaces.Request(base, aligned, finetunes, safety,
                pairs.stream().map(UpdatePair::parse).toList(), granularities, etas, trials, 5,
                temporary.resolve(output), temporary.resolve("svd-cache"));
    }

    private static List<CSVRecord> read(Path csv) throws IOException {
        try (Reader reader = new StringReader(Files.readString(csv))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }

    private static List<CSVRecord> select(List<CSVRecord> rows, String granularity, String group) {
        return rows.stream().filter(row -> row.get("granularity").equals(granularity)
                && row.get("group").equals(group)).toList();
    }

    private static void assertNoNaN(Path csv) throws IOException {
        String text = Files.readString(csv);
        assertFalse(text.contains("NaN"), csv + " contains NaN");
        assertFalse(text.contains("Infinity"), csv + " contains Infinity");
    }

    // ---- Tests ----

    @Test
    void energyRanksMatchConstructedSpectra() throws IOException {
        Random random = new Random(1);
        Map<String, double[][]> w0 = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> wa = plus(w0, gaussian(SHAPES, random, 0.1));

        // Layer 0: q and k use orthogonal right-singular directions, so [q; k] has both spectra at once.
        double[][] hidden = Reference.orthonormal(6, 6, random);
        Map<String, double[][]> useful = new LinkedHashMap<>();
        double[] qSpectrum = {4, 2, 1};
        double[] kSpectrum = {3, 0.5};
        useful.put(Q0, withSpectrum(Reference.orthonormal(8, 3, random), qSpectrum, Reference.columns(hidden, 0, 3)));
        useful.put(K0, withSpectrum(Reference.orthonormal(4, 2, random), kSpectrum, Reference.columns(hidden, 3, 5)));
        useful.put(DOWN0, Reference.multiply(Reference.gaussian(6, 1, random), Reference.gaussian(1, 10, random)));
        useful.put(NORM0, Reference.gaussian(6, 1, random));
        // Layer 1: generic Gaussian updates, except an unchanged norm; the embedding is unchanged too.
        for (String name : List.of(Q1, K1, "model.layers.1.mlp.down_proj.weight", NORM)) {
            int[] shape = matrixShape(SHAPES.get(name));
            useful.put(name, Reference.gaussian(shape[0], shape[1], random));
        }
        Path base = write("base", w0);
        Path aligned = write("aligned", wa);
        Path usefulModel = write("useful", plus(wa, useful));

        UpdateSpaces.Result result = UpdateSpaces.run(request(base, aligned, Map.of("useful", usefulModel), null,
                List.of("useful:alignment"), BOTH, UpdateSpaces.STUDY_ETAS, 0, "out"));

        List<CSVRecord> rows = read(result.csv());
        assertEquals((10 + 6) * UpdateSpaces.STUDY_ETAS.size(), rows.size(), "10 tensors and 6 layer groups");
        Map<List<String>, double[]> spectra = new LinkedHashMap<>();
        spectra.put(List.of("tensor", Q0), qSpectrum);
        spectra.put(List.of("tensor", K0), kSpectrum);
        spectra.put(List.of("layer", "model.layers.0[n=6]"), new double[] {4, 3, 2, 1, 0.5});
        spectra.put(List.of("tensor", DOWN0), new double[] {1});
        spectra.put(List.of("layer", "model.layers.0[n=10]"), new double[] {1});
        spectra.put(List.of("tensor", NORM0), new double[] {1});
        // Generic spectra: the float64 Jacobi SVD of the stored float32 difference.
        spectra.put(List.of("tensor", Q1), Reference.singularValues(storedDifference(aligned, usefulModel,
                List.of(Q1))));
        spectra.put(List.of("layer", "model.layers.1[n=6]"), Reference.singularValues(storedDifference(aligned,
                usefulModel, List.of(Q1, K1))));
        for (Map.Entry<List<String>, double[]> entry : spectra.entrySet()) {
            List<CSVRecord> groupRows = select(rows, entry.getKey().get(0), entry.getKey().get(1));
            assertEquals(UpdateSpaces.STUDY_ETAS.size(), groupRows.size(), entry.getKey().toString());
            for (CSVRecord row : groupRows) {
                double eta = Double.parseDouble(row.get("eta"));
                assertEquals(referenceEnergyRank(entry.getValue(), eta), Integer.parseInt(row.get("kx")),
                        entry.getKey() + " at eta " + eta);
            }
        }
        assertEquals("8", select(rows, "tensor", Q0).get(0).get("d"));
        assertEquals("12", select(rows, "layer", "model.layers.0[n=6]").get(0).get("d"));
        assertEquals("6", select(rows, "layer", "model.layers.0[n=6]").get(0).get("columns"));
        assertEquals("0", select(rows, "tensor", Q0).get(0).get("layer"));
        assertEquals("-1", select(rows, "tensor", EMBED).get(0).get("layer"));
        assertEquals("float32", rows.get(0).get("precision"));

        // Zero updates: k = 0, no MSO, flagged, and no NaN anywhere.
        for (List<String> zero : List.of(List.of("tensor", EMBED), List.of("tensor", NORM1),
                List.of("layer", "model.layers.1[n=1]"))) {
            for (CSVRecord row : select(rows, zero.get(0), zero.get(1))) {
                assertEquals("0", row.get("kx"), zero.toString());
                assertEquals("", row.get("mso"), zero.toString());
                assertEquals("", row.get("random_baseline"), zero.toString());
                assertEquals("true", row.get("degenerate"), zero.toString());
            }
        }
        for (CSVRecord row : rows) {
            if (row.get("degenerate").equals("false")) {
                double mso = Double.parseDouble(row.get("mso"));
                assertTrue(mso >= 0, row.toString());
                assertTrue(mso <= 1, row.toString());
            }
        }
        assertEquals(3 * UpdateSpaces.STUDY_ETAS.size(), result.degenerateRows());
        assertNoNaN(result.csv());
        assertNoNaN(result.summaryCsv());

        List<CSVRecord> summary = read(result.summaryCsv());
        assertEquals(2 * UpdateSpaces.STUDY_ETAS.size(), summary.size(), "one row per granularity and eta");
        for (CSVRecord row : summary) {
            boolean tensor = row.get("granularity").equals("tensor");
            assertEquals(tensor ? "8" : "5", row.get("groups"), row.toString());
            assertEquals(tensor ? "2" : "1", row.get("degenerate_groups"), row.toString());
        }
    }

    @Test
    void identicalOrthogonalAndNestedUpdates() throws IOException {
        Random random = new Random(2);
        Map<String, double[][]> w0 = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> wa = plus(w0, gaussian(SHAPES, random, 0.1));

        // Twins: the same update twice.
        Map<String, double[][]> twin = gaussian(SHAPES, random, 1.0);
        // Top and bottom: nonzero only in the first or the second half of each matrix's rows, so their
        // column spaces are orthogonal for every tensor and every stacked layer group.
        Map<String, double[][]> top = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> bottom = gaussian(SHAPES, random, 1.0);
        for (String name : SHAPES.keySet()) {
            double[][] upper = top.get(name);
            double[][] lower = bottom.get(name);
            for (int i = 0; i < upper.length; i++) {
                Arrays.fill(i < upper.length / 2 ? lower[i] : upper[i], 0.0);
            }
        }
        // Inner and outer: q0 of inner spans the top 2 of the 4 ordered directions of outer's q0, so
        // the top-k subspaces are nested at every eta.
        double[][] directions = Reference.orthonormal(8, 4, random);
        Map<String, double[][]> inner = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> outer = gaussian(SHAPES, random, 1.0);
        inner.put(Q0, withSpectrum(directions, new double[] {5, 1}, Reference.orthonormal(6, 2, random)));
        outer.put(Q0, withSpectrum(directions, new double[] {4, 3, 2, 1}, Reference.orthonormal(6, 4, random)));

        Path base = write("base", w0);
        Path aligned = write("aligned", wa);
        Map<String, Path> finetunes = new LinkedHashMap<>();
        finetunes.put("twin1", write("twin1", plus(wa, twin)));
        finetunes.put("twin2", write("twin2", plus(wa, twin)));
        finetunes.put("top", write("top", plus(wa, top)));
        finetunes.put("bottom", write("bottom", plus(wa, bottom)));
        finetunes.put("inner", write("inner", plus(wa, inner)));
        finetunes.put("outer", write("outer", plus(wa, outer)));

        UpdateSpaces.Result result = UpdateSpaces.run(request(base, aligned, finetunes, null,
                List.of("twin1:twin2", "top:bottom", "inner:outer"), BOTH, UpdateSpaces.STUDY_ETAS, 0, "out"));

        List<CSVRecord> rows = read(result.csv());
        assertEquals(0, result.degenerateRows());
        int twins = 0;
        int halves = 0;
        for (CSVRecord row : rows) {
            double mso = Double.parseDouble(row.get("mso"));
            if (row.get("x").equals("twin1")) {
                assertEquals(1.0, mso, 1e-5, "identical updates: " + row);
                assertEquals(row.get("kx"), row.get("ky"), row.toString());
                twins++;
            } else if (row.get("x").equals("top")) {
                assertEquals(0.0, mso, 1e-5, "orthogonal updates: " + row);
                halves++;
            }
        }
        assertEquals(16 * UpdateSpaces.STUDY_ETAS.size(), twins);
        assertEquals(16 * UpdateSpaces.STUDY_ETAS.size(), halves);
        List<CSVRecord> nested = select(rows, "tensor", Q0).stream().filter(row -> row.get("x").equals("inner"))
                .toList();
        assertEquals(UpdateSpaces.STUDY_ETAS.size(), nested.size());
        for (CSVRecord row : nested) {
            assertEquals(1.0, Double.parseDouble(row.get("mso")), 1e-4, "nested subspaces: " + row);
        }
        // The constructed spectra make the nesting proper at high eta: 2 directions inside 4.
        CSVRecord last = nested.get(nested.size() - 1);
        assertEquals("2", last.get("kx"));
        assertEquals("4", last.get("ky"));
    }

    @Test
    void randomUpdatesAverageToBaseline() throws IOException {
        // 40 independent Gaussian 16 x 12 updates per fine-tune: their top-k column spaces are uniformly
        // random and independent, so the MSO averages to max(kx, ky) / d.
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int layer = 0; layer < 40; layer++) {
            shapes.put("model.layers." + layer + ".mlp.up_proj.weight", new long[] {16, 12});
        }
        Random random = new Random(3);
        Map<String, double[][]> wa = gaussian(shapes, random, 1.0);
        Path aligned = write("aligned", wa, shapes);
        Path base = write("base", plus(wa, gaussian(shapes, random, 1.0)), shapes);
        Path x = write("x", plus(wa, gaussian(shapes, random, 1.0)), shapes);
        Path y = write("y", plus(wa, gaussian(shapes, random, 1.0)), shapes);
        Map<String, Path> finetunes = new LinkedHashMap<>();
        finetunes.put("x", x);
        finetunes.put("y", y);
        int trials = 40;

        UpdateSpaces.Result result = UpdateSpaces.run(request(base, aligned, finetunes, null, List.of("x:y"),
                List.of(Granularity.TENSOR), List.of(0.3, 0.6, 0.9), trials, "out"));

        List<CSVRecord> rows = read(result.csv());
        for (String eta : List.of("0.3", "0.6", "0.9")) {
            List<CSVRecord> etaRows = rows.stream().filter(row -> row.get("eta").equals(eta)).toList();
            assertEquals(40, etaRows.size());
            double sum = 0;
            double sumOfSquares = 0;
            for (CSVRecord row : etaRows) {
                int kx = Integer.parseInt(row.get("kx"));
                int ky = Integer.parseInt(row.get("ky"));
                assertEquals("16", row.get("d"));
                double expected = Math.max(kx, ky) / 16.0;
                assertEquals(expected, Double.parseDouble(row.get("random_baseline")), 1e-5, row.toString());
                double excess = Double.parseDouble(row.get("mso")) - expected;
                sum += excess;
                sumOfSquares += excess * excess;

                // The sampled baseline estimates the same expectation from its own random subspaces.
                double sampledMean = Double.parseDouble(row.get("sampled_baseline_mean"));
                double sampledStd = Double.parseDouble(row.get("sampled_baseline_std"));
                assertEquals(expected, sampledMean, 5 * sampledStd / Math.sqrt(trials) + 1e-6, row.toString());
            }
            double mean = sum / etaRows.size();
            double standardError = Math.sqrt((sumOfSquares / etaRows.size() - mean * mean) / (etaRows.size() - 1));
            assertEquals(0.0, mean, 4 * standardError, "mean MSO minus baseline at eta " + eta);
        }

        // The summary averages the per-group rows.
        for (CSVRecord summary : read(result.summaryCsv())) {
            List<CSVRecord> etaRows = rows.stream().filter(row -> row.get("eta").equals(summary.get("eta"))).toList();
            double meanMso = etaRows.stream().mapToDouble(row -> Double.parseDouble(row.get("mso"))).average()
                    .orElseThrow();
            assertEquals(meanMso, Double.parseDouble(summary.get("mean_mso")), 1e-5);
            assertEquals("40", summary.get("groups"));
        }
    }

    @Test
    void secondRunReadsEveryCachedSvd() throws IOException {
        Random random = new Random(4);
        Map<String, double[][]> w0 = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> wa = plus(w0, gaussian(SHAPES, random, 0.1));
        Path base = write("base", w0);
        Path aligned = write("aligned", wa);
        Map<String, Path> finetunes = new LinkedHashMap<>();
        finetunes.put("useful", write("useful", plus(wa, gaussian(SHAPES, random, 0.1))));
        finetunes.put("harmful", write("harmful", plus(wa, gaussian(SHAPES, random, 0.1))));

        UpdateSpaces.Result first = UpdateSpaces.run(request(base, aligned, finetunes, null, List.of(), BOTH,
                List.of(0.5, 0.9), 0, "first"));
        UpdateSpaces.Result second = UpdateSpaces.run(request(base, aligned, finetunes, null, List.of(), BOTH,
                List.of(0.5, 0.9), 0, "second"));

        // Per layer, only the stacked q and k group is a new matrix: the norm and the down projection
        // groups have one tensor each and share that tensor's entry.
        assertEquals(3 * (10 + 2), first.svdsComputed(), "three updates, 10 tensors and 2 stacked groups");
        assertEquals(3 * 4, first.svdsReused(), "the one-tensor layer groups");
        assertEquals(0, second.svdsComputed());
        assertEquals(first.svdsComputed() + first.svdsReused(), second.svdsReused());
        assertEquals(Files.readString(first.csv()), Files.readString(second.csv()));
        List<String> pairs = read(first.csv()).stream().map(row -> row.get("x") + ":" + row.get("y")).distinct()
                .toList();
        assertEquals(List.of("useful:harmful", "useful:alignment", "harmful:alignment"), pairs);

        // The project goal's reference bases read the alignment update's tensor entries.
        ReferenceBases reference;
        try (SafetensorsFile w0File = SafetensorsFile.open(base.resolve("model.safetensors"));
                SafetensorsFile waFile = SafetensorsFile.open(aligned.resolve("model.safetensors"))) {
            reference = new ReferenceBases(w0File, waFile, temporary.resolve("svd-cache"),
                    SvdCache.updateKey(base, aligned));
            reference.svd(Q0, SHAPES.get(Q0));
            reference.svd(DOWN0, SHAPES.get(DOWN0));
        }
        assertEquals(0, reference.computedCount(), reference.cacheSummary());
    }

    @Test
    void safetyUpdateIsTakenFromTheAlignedModel() throws IOException {
        Random random = new Random(5);
        Map<String, double[][]> w0 = gaussian(SHAPES, random, 1.0);
        Map<String, double[][]> alignment = gaussian(SHAPES, random, 0.5);
        Map<String, double[][]> wa = plus(w0, alignment);
        // WS = WA - ΔA = W0: WS - WA = -ΔA spans ΔA's subspaces, while WS - W0 would be zero.
        Map<String, double[][]> undo = new LinkedHashMap<>();
        alignment.forEach((name, values) -> undo.put(name, negate(values)));
        Path base = write("base", w0);
        Path aligned = write("aligned", wa);
        Path safety = write("safety", plus(wa, undo));

        UpdateSpaces.Result result = UpdateSpaces.run(request(base, aligned, Map.of(), safety, List.of(),
                List.of(Granularity.TENSOR), List.of(0.5, 0.99), 0, "out"));

        List<CSVRecord> rows = read(result.csv());
        assertEquals(10 * 2, rows.size());
        for (CSVRecord row : rows) {
            assertEquals("alignment", row.get("x"));
            assertEquals("safety", row.get("y"));
            assertEquals("false", row.get("degenerate"), row.toString());
            assertEquals(row.get("kx"), row.get("ky"), row.toString());
            assertEquals(1.0, Double.parseDouble(row.get("mso")), 1e-4, row.toString());
        }
    }

    @Test
    void mismatchedShapeFailsBeforeWriting() throws IOException {
        Random random = new Random(6);
        Map<String, double[][]> wa = gaussian(SHAPES, random, 1.0);
        Path base = write("base", gaussian(SHAPES, random, 1.0));
        Path aligned = write("aligned", wa);
        Map<String, long[]> otherShapes = new LinkedHashMap<>(SHAPES);
        otherShapes.put(Q0, new long[] {8, 5});
        Map<String, double[][]> other = gaussian(otherShapes, random, 1.0);
        Path harmful = write("harmful", other, otherShapes);
        Path output = temporary.resolve("out");
        Files.createDirectories(output);
        Files.writeString(output.resolve(UpdateSpaces.CSV), "previous results\n");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UpdateSpaces.run(
                request(base, aligned, Map.of("harmful", harmful), null, List.of(), BOTH, List.of(0.5), 0, "out")));

        assertTrue(error.getMessage().contains("Fine-tune 'harmful'"), error.getMessage());
        assertTrue(error.getMessage().contains(Q0 + " [8, 5]"), error.getMessage());
        assertTrue(error.getMessage().contains("[8, 6]"), error.getMessage());
        assertEquals("previous results\n", Files.readString(output.resolve(UpdateSpaces.CSV)));
        assertFalse(Files.exists(output.resolve(UpdateSpaces.SUMMARY_CSV)));
        assertFalse(Files.exists(temporary.resolve("svd-cache")), "no SVD before the shapes are checked");
    }

    @Test
    void invalidRequestsNameTheValue() {
        Path model = temporary.resolve("model");
        Map<String, Path> useful = Map.of("useful", model);
        List<Double> half = List.of(0.5);
        // Expected part of the message, then the request that must be rejected.
        Map<String, Executable> cases = new LinkedHashMap<>();
        cases.put("'harmful'", () -> request(model, model, useful, null, List.of("useful:harmful"), BOTH, half, 0,
                "out"));
        cases.put("listed twice", () -> request(model, model, useful, null,
                List.of("useful:alignment", "alignment:useful"), BOTH, half, 0, "out"));
        cases.put("safety model", () -> request(model, model, useful, null, List.of("useful:safety"), BOTH, half,
                0, "out"));
        cases.put("'alignment'", () -> request(model, model, Map.of("alignment", model), model, List.of(), BOTH,
                half, 0, "out"));
        cases.put("0.0", () -> request(model, model, useful, null, List.of(), BOTH, List.of(0.0), 0, "out"));
        cases.put("1.5", () -> request(model, model, useful, null, List.of(), BOTH, List.of(1.5), 0, "out"));
        cases.put("[0.5, 0.5]", () -> request(model, model, useful, null, List.of(), BOTH, List.of(0.5, 0.5), 0,
                "out"));
        cases.put("sampledBaselineTrials 1", () -> request(model, model, useful, null, List.of(), BOTH, half, 1,
                "out"));
        cases.put("fine-tune or a safety model", () -> request(model, model, Map.of(), null, List.of(), BOTH, half,
                0, "out"));

        for (Map.Entry<String, Executable> entry : cases.entrySet()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, entry.getValue(),
                    entry.getKey());
            assertTrue(error.getMessage().contains(entry.getKey()), error.getMessage());
        }
    }

    private static double[][] negate(double[][] values) {
        double[][] result = new double[values.length][values[0].length];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values[0].length; j++) {
                result[i][j] = -values[i][j];
            }
        }
        return result;
    }
}
