package io.github.safetyspaces.core.data;

/**
 * Counts from tokenizing a list of examples for fine-tuning. Every input example is either kept
 * (whole or truncated) or dropped.
 *
 * @param examples the number of input examples
 * @param kept the number of examples in the result
 * @param truncated the number of kept examples that were cut to the maximum length
 * @param dropped the number of examples left with no response token after truncation
 * @param boundaryMerges the number of input examples where a token spans the end of the prompt and
 *     the start of the response, so the prompt's own tokens are not a prefix of the full sequence's.
 *     The response of such an example starts at the first token that differs, so the spanning token
 *     counts as response.
 * @param tokens the number of tokens of the kept examples, after truncation
 */
public record SftEncodingStats(int examples, int kept, int truncated, int dropped, int boundaryMerges, long tokens) {

    /** Checks that the counts are not negative and that kept and dropped examples add up. */
    public SftEncodingStats {
        if (examples < 0 || kept < 0 || truncated < 0 || dropped < 0 || boundaryMerges < 0 || tokens < 0) {
            throw new IllegalArgumentException("Encoding counts must not be negative: examples " + examples
                    + ", kept " + kept + ", truncated " + truncated + ", dropped " + dropped + ", boundary merges "
                    + boundaryMerges + ", tokens " + tokens + ".");
        }
        if (kept + dropped != examples || truncated > kept || boundaryMerges > examples) {
            throw new IllegalArgumentException("Inconsistent encoding counts: " + examples + " examples, " + kept
                    + " kept (" + truncated + " truncated), " + dropped + " dropped, " + boundaryMerges
                    + " boundary merges.");
        }
    }
}
