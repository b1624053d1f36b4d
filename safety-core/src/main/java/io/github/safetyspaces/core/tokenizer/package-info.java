/**
 * Tokenizers behind one interface, {@link io.github.safetyspaces.core.tokenizer.TextTokenizer}: the
 * llama2.c {@code tokenizer.bin} format, encoded as llama2.c's {@code run.c} does, and Hugging Face
 * {@code tokenizer.json} files run offline by DJL. {@link io.github.safetyspaces.core.tokenizer.TokenizerJsonWriter}
 * converts a llama2.c vocabulary into a Hugging Face tokenizer that encodes the same way.
 */
package io.github.safetyspaces.core.tokenizer;
