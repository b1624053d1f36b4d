package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvdCacheTest {

    @TempDir
    Path root;

    private static final List<String> MEMBERS = List.of("model.layers.0.self_attn.q_proj.weight");

    private static FloatMatrix matrix(long seed) {
        return (FloatMatrix) Reference.toMatrix(Reference.gaussian(7, 5, new Random(seed)), Precision.FLOAT32);
    }

    /** Supplies the matrix and counts how often it was built. */
    private static Supplier<FloatMatrix> counting(FloatMatrix matrix, AtomicInteger builds) {
        return () -> {
            builds.incrementAndGet();
            return matrix;
        };
    }

    @Test
    void secondCacheReadsTheEntry() {
        AtomicInteger builds = new AtomicInteger();
        SvdCache first = new SvdCache(root);
        Svd computed = first.leftSvd("key", MEMBERS.get(0), MEMBERS, 7, 5, counting(matrix(1), builds));

        SvdCache second = new SvdCache(root);
        Svd cached = second.leftSvd("key", MEMBERS.get(0), MEMBERS, 7, 5, counting(matrix(1), builds));

        assertEquals(1, builds.get(), "the matrix is built once");
        assertEquals(1, first.computedCount());
        assertEquals(0, second.computedCount());
        assertEquals(1, second.reusedCount());
        assertArrayEquals(computed.singularValues(), cached.singularValues(), 0.0, "float32 values round-trip");
        assertEquals(computed.u(), cached.u());
        assertTrue(Files.isRegularFile(root.resolve("key").resolve(MEMBERS.get(0) + ".safetensors")));
    }

    @Test
    void otherMembersOrShapeRecompute() {
        AtomicInteger builds = new AtomicInteger();
        SvdCache cache = new SvdCache(root);
        cache.leftSvd("key", "entry", MEMBERS, 7, 5, counting(matrix(1), builds));

        cache.leftSvd("key", "entry", List.of("a", "b"), 7, 5, counting(matrix(2), builds));
        FloatMatrix wide = (FloatMatrix) Reference.toMatrix(Reference.gaussian(5, 7, new Random(3)), Precision.FLOAT32);
        Svd reshaped = cache.leftSvd("key", "entry", List.of("a", "b"), 5, 7, counting(wide, builds));

        assertEquals(3, builds.get());
        assertEquals(3, cache.computedCount());
        assertEquals(5, reshaped.u().rows());
    }

    @Test
    void unreadableEntryRecomputed() throws IOException {
        AtomicInteger builds = new AtomicInteger();
        Path file = root.resolve("key").resolve("entry.safetensors");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not a safetensors file");

        Svd svd = new SvdCache(root).leftSvd("key", "entry", MEMBERS, 7, 5, counting(matrix(1), builds));

        assertEquals(1, builds.get());
        assertEquals(5, svd.singularValueCount());
        assertTrue(Files.size(file) > 100, "the entry was replaced");
    }

    @Test
    void entryPathsStayInsideTheCache() {
        SvdCache cache = new SvdCache(root);
        for (String entry : List.of("../outside", "a/../../b", "/absolute", "a//b", "a\\b")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> cache.leftSvd("key", entry, MEMBERS, 7, 5, () -> matrix(1)), entry);
            assertTrue(error.getMessage().contains(entry), error.getMessage());
        }
    }

    @Test
    void matrixOfWrongShapeRejected() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new SvdCache(root).leftSvd("key", "entry", MEMBERS, 5, 7, () -> matrix(1)));

        assertTrue(error.getMessage().contains("7 x 5"), error.getMessage());
        assertTrue(error.getMessage().contains("5 x 7"), error.getMessage());
    }

    @Test
    void updateKeyDependsOnBothCheckpointsInOrder() throws IOException {
        Path base = Files.writeString(root.resolve("base.bin"), "base");
        Path aligned = Files.writeString(root.resolve("aligned.bin"), "aligned");

        String key = SvdCache.updateKey(base, aligned);

        assertEquals(16, key.length());
        assertEquals(key, SvdCache.updateKey(base, aligned));
        assertTrue(!key.equals(SvdCache.updateKey(aligned, base)), "WA - W0 and W0 - WA are different updates");
    }
}
