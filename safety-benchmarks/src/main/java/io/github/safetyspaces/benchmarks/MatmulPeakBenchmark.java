package io.github.safetyspaces.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.engine.Engines;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matrix-multiplication peak that model FLOP utilisation is measured against: a float32
 * n x n by n x n product in libtorch through DJL, with libtorch's default thread count, the one
 * training uses. FLOP/s = 2 n^3 x (operations per second).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Dai.djl.offline=true")
public class MatmulPeakBenchmark {

    /** Side of the square matrices. */
    @Param({"1024", "2048"})
    public int size;

    private NDManager manager;
    private NDArray left;
    private NDArray right;

    /** Creates two random matrices in a manager of their own. */
    @Setup(Level.Trial)
    public void setUp() {
        Engines.forceOffline();
        manager = Engines.pytorch().newBaseManager();
        left = manager.randomUniform(-1f, 1f, new Shape(size, size), DataType.FLOAT32);
        right = manager.randomUniform(-1f, 1f, new Shape(size, size), DataType.FLOAT32);
    }

    /**
     * Multiplies the matrices once and frees the product, so memory stays flat.
     *
     * @return a value read from the product, so the work cannot be skipped
     */
    @Benchmark
    public float matmul() {
        try (NDArray product = left.matMul(right)) {
            return product.getFloat(0, 0);
        }
    }

    /** Frees the matrices. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
