package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;

/** The scored result of one evaluation task, in the form that {@link EvaluationWriter} writes. */
public interface EvaluationReport {

    /**
     * Returns one JSON object per sample, in item order, for the per-sample JSON Lines file.
     *
     * @return the records
     */
    List<JsonObject> sampleRecords();

    /**
     * Returns the aggregate metrics for the summary file, such as accuracies, rates and counts.
     *
     * @return the metrics
     */
    JsonObject metrics();

    /**
     * Returns a one-line description of the metrics for logs.
     *
     * @return for example {@code flexible accuracy 0.512 (675/1319), strict accuracy 0.498 (657/1319)}
     */
    String describeMetrics();
}
