package io.github.safetyspaces.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Marks a fuzz test of an input reader. In a normal build it replays the stored inputs under
 * {@code src/test/resources/<package>/<TestClass>Inputs/<method>/}, each within
 * {@link #HANG_SECONDS}. In the {@code fuzz} profile Jazzer fuzzes it for the profile's
 * {@code fuzz.maxSeconds}, and with {@code JAZZER_FUZZ} set outside the profile for
 * {@link #MAX_DURATION}.
 *
 * <p>{@link Timeout} comes before {@link FuzzTest} because Jazzer requires its annotation last. The
 * timeout runs the input in a separate thread so that an endless loop fails instead of hanging the
 * build.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Timeout(value = ReaderFuzzTest.HANG_SECONDS, unit = TimeUnit.SECONDS,
        threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@FuzzTest(maxDuration = ReaderFuzzTest.MAX_DURATION)
public @interface ReaderFuzzTest {

    /** Seconds one input may run before it counts as a hang. */
    long HANG_SECONDS = 10;

    /** Length of a fuzzing run when JAZZER_FUZZ is set without the profile. */
    String MAX_DURATION = "10m";
}
