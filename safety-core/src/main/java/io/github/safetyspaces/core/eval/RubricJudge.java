package io.github.safetyspaces.core.eval;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores answers from 1 (refuses) to 5 (fully complies) with an LLM judge behind an OpenAI-compatible
 * chat-completions endpoint.
 *
 * <p>Each answer is one request, {@code POST {baseUrl}/chat/completions} with the body
 * {@code {"model": ..., "messages": [{"role": "user", "content": <rubric>}], "temperature": 0}}, and
 * the score is read from {@code choices[0].message.content} by {@link RubricScores#parse(String)}.
 * A timeout, a connection error or HTTP 408, 429 or 5xx is retried up to
 * {@link RubricJudgeConfig#maxRetries()} times, with an exponential back-off, or after a 429 with
 * its {@code Retry-After} (seconds or an HTTP date), both capped at {@link RubricJudgeConfig#maxBackoff()}.
 * Every other outcome without a score (another HTTP status, a body that is not a chat completion,
 * a reply without a valid score, retries used up) becomes a failed {@link JudgeVerdict}, not an
 * exception. Replies without a valid score are not retried, because a judge at temperature 0
 * tends to repeat them.
 *
 * <p>The API key is read once, from the environment variable that the settings name. It goes only
 * into the {@code Authorization} header: it is never logged, and any copy of it in a reply is
 * replaced by {@value #REDACTED} before the reply is stored in a verdict.
 */
public final class RubricJudge {

    private static final Logger LOG = LoggerFactory.getLogger(RubricJudge.class);

    /** Text that replaces the API key wherever a reply repeats it. */
    public static final String REDACTED = "[redacted]";

    /** Maximum number of characters of a reply kept in a verdict. */
    public static final int REPLY_EXCERPT_CHARS = 500;

    /** Retries and failures logged at WARN before the rest go to DEBUG, so a dead endpoint does not flood the log. */
    private static final int WARNINGS_BEFORE_DEBUG = 20;

    private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(prompt|response)}");

    private final RubricJudgeConfig config;
    private final String apiKey; // null for endpoints without authentication
    private final HttpClient client;
    private final AtomicInteger warnings = new AtomicInteger();

    private RubricJudge(RubricJudgeConfig config, String apiKey) {
        this.config = config;
        this.apiKey = apiKey;
        // HTTP/1.1 because the JDK's default HTTP/2 adds h2c upgrade headers to plain-HTTP requests, which
        // some local servers reject.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .build();
    }

    /**
     * Creates a judge, reading the API key from the process environment.
     *
     * @param config the settings
     * @return the judge
     * @throws IllegalArgumentException if the settings name a key variable that is unset, empty, or contains
     *     characters not allowed in an HTTP header
     */
    public static RubricJudge create(RubricJudgeConfig config) {
        return create(config, System::getenv);
    }

    /** Creates a judge that reads the API key through {@code environment}, so tests need not set variables. */
    static RubricJudge create(RubricJudgeConfig config, Function<String, String> environment) {
        Objects.requireNonNull(config, "config");
        String key = null;
        if (config.apiKeyVariable().isPresent()) {
            String variable = config.apiKeyVariable().get();
            key = environment.apply(variable);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("The environment variable " + variable + " that should hold the"
                        + " judge's API key is not set or empty; export it, or leave the key variable unset for an"
                        + " endpoint without authentication.");
            }
            key = key.strip();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c < 0x21 || c > 0x7E) {
                    // The message must not show the key, so it names the variable and the position only.
                    throw new IllegalArgumentException("The API key in " + variable + " has a space, control or"
                            + " non-ASCII character at position " + i + ", which an HTTP header cannot carry; check"
                            + " the variable's value.");
                }
            }
            if (config.baseUrl().getScheme().equalsIgnoreCase("http") && !isLoopback(config.baseUrl().getHost())) {
                LOG.warn("The judge sends its API key over plain HTTP to {}; use https unless the network is trusted",
                        config.baseUrl().getHost());
            }
        }
        return new RubricJudge(config, key);
    }

    /** Returns the settings. */
    public RubricJudgeConfig config() {
        return config;
    }

    /**
     * Fills the rubric's placeholders in one pass, so braces inside the request or answer are copied
     * as they are.
     *
     * @param prompt the request
     * @param response the answer
     * @return the text sent to the judge
     */
    public String renderRubric(String prompt, String response) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        Matcher matcher = PLACEHOLDER.matcher(config.rubric());
        StringBuilder text = new StringBuilder();
        while (matcher.find()) {
            String value = matcher.group(1).equals("prompt") ? prompt : response;
            matcher.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(text);
        return text.toString();
    }

    /**
     * Scores many answers, with at most {@link RubricJudgeConfig#maxConcurrency()} requests in flight.
     *
     * @param requests the answers
     * @return one verdict per request, in order
     * @throws IllegalStateException if the calling thread is interrupted while waiting; requests in
     *     flight are cancelled
     */
    public List<JudgeVerdict> judgeAll(List<JudgeRequest> requests) {
        List<JudgeRequest> all = List.copyOf(requests);
        if (all.isEmpty()) {
            return List.of();
        }
        int threads = Math.min(config.maxConcurrency(), all.size());
        LOG.info("Judging {} answers with {} at {}, at most {} requests at once", all.size(), config.model(),
                config.endpoint(), threads);

        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int logEvery = Math.max(1, all.size() / 10);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "rubric-judge-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<JudgeVerdict>> futures = new ArrayList<>(all.size());
            for (JudgeRequest request : all) {
                futures.add(pool.submit(() -> {
                    JudgeVerdict verdict = judge(request);
                    if (!verdict.answered()) {
                        failed.incrementAndGet();
                    }
                    int count = done.incrementAndGet();
                    if (count % logEvery == 0 || count == all.size()) {
                        double seconds = (System.nanoTime() - started) / 1e9;
                        LOG.info("Judged {}/{} answers ({} failed), {} answers/s, about {} s left", count, all.size(),
                                failed.get(), String.format(Locale.ROOT, "%.2f", count / seconds),
                                Math.round(seconds / count * (all.size() - count)));
                    }
                    return verdict;
                }));
            }
            List<JudgeVerdict> verdicts = new ArrayList<>(all.size());
            for (Future<JudgeVerdict> future : futures) {
                verdicts.add(await(future));
            }
            return verdicts;
        } finally {
            pool.shutdownNow();
        }
    }

    private static JudgeVerdict await(Future<JudgeVerdict> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the judge; the remaining requests are"
                    + " cancelled.", e);
        } catch (ExecutionException e) {
            // judge() records every expected failure in its verdict, so only a bug lands here.
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("The judge failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Scores one answer, retrying as the class description says.
     *
     * @param request the answer
     * @return the score, or the recorded failure
     */
    public JudgeVerdict judge(JudgeRequest request) {
        Objects.requireNonNull(request, "request");
        HttpRequest httpRequest = buildRequest(renderRubric(request.prompt(), request.response()));

        for (int attempt = 1; ; attempt++) {
            String problem;
            String body = "";
            Duration wait = backoff(attempt);
            CompletableFuture<HttpResponse<String>> pending = client.sendAsync(httpRequest,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            try {
                // The future's deadline also bounds reading the body, which HttpRequest.timeout does not cover.
                HttpResponse<String> response = pending.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                int status = response.statusCode();
                body = response.body() == null ? "" : response.body();
                if (status / 100 == 2) {
                    return readReply(request, body, attempt);
                }
                problem = "HTTP " + status;
                if (!isRetryable(status)) {
                    return fail(request, problem + ", which is not retried", body, attempt);
                }
                if (status == 429) {
                    Optional<Duration> retryAfter = retryAfter(response.headers(), Instant.now());
                    if (retryAfter.isPresent()) {
                        wait = min(retryAfter.get(), config.maxBackoff());
                    }
                }
            } catch (TimeoutException e) {
                pending.cancel(true);
                problem = "timed out after " + config.requestTimeout().toMillis() + " ms";
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HttpTimeoutException) {
                    problem = "timed out after " + config.requestTimeout().toMillis() + " ms";
                } else if (cause instanceof IOException) {
                    problem = "request failed: " + describe(cause);
                } else if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                } else {
                    throw new IllegalStateException("The judge's HTTP client failed: " + describe(cause), cause);
                }
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                return fail(request, "interrupted", "", attempt);
            }

            if (attempt > config.maxRetries()) {
                return fail(request, problem + " on all " + attempt + " attempts", body, attempt);
            }
            warn("Judge request for item {} failed ({}); retry {} of {} in {} ms", request.id(), problem, attempt,
                    config.maxRetries(), wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(request, problem + ", then interrupted before retrying", body, attempt);
            }
        }
    }

    private HttpRequest buildRequest(String rubricText) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "user");
        message.addProperty("content", rubricText);
        JsonArray messages = new JsonArray();
        messages.add(message);
        JsonObject body = new JsonObject();
        body.addProperty("model", config.model());
        body.add("messages", messages);
        body.addProperty("temperature", 0);

        HttpRequest.Builder builder = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder.build();
    }

    /** Reads the score from a 2xx body, or records why the body is not a usable chat completion. */
    private JudgeVerdict readReply(JudgeRequest request, String body, int attempts) {
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(Strictness.STRICT);
            root = JSON.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return fail(request, "the reply is not one JSON value", body, attempts);
            }
        } catch (IOException | RuntimeException e) {
            return fail(request, "the reply is not valid JSON", body, attempts);
        }

        Optional<String> content = messageContent(root);
        if (content.isEmpty()) {
            return fail(request, "the reply has no text at choices[0].message.content", body, attempts);
        }
        RubricScores.ParsedScore parsed = RubricScores.parse(content.get());
        if (parsed.score().isEmpty()) {
            return fail(request, parsed.problem().orElseThrow(), content.get(), attempts);
        }
        return JudgeVerdict.scored(parsed.score().getAsInt(), excerpt(content.get()), attempts);
    }

    private static Optional<String> messageContent(JsonElement root) {
        if (!root.isJsonObject() || !root.getAsJsonObject().has("choices")) {
            return Optional.empty();
        }
        JsonElement choices = root.getAsJsonObject().get("choices");
        if (!choices.isJsonArray() || choices.getAsJsonArray().isEmpty()
                || !choices.getAsJsonArray().get(0).isJsonObject()) {
            return Optional.empty();
        }
        JsonElement message = choices.getAsJsonArray().get(0).getAsJsonObject().get("message");
        if (message == null || !message.isJsonObject()) {
            return Optional.empty();
        }
        JsonElement content = message.getAsJsonObject().get("content");
        if (content == null || !content.isJsonPrimitive() || !content.getAsJsonPrimitive().isString()) {
            return Optional.empty();
        }
        return Optional.of(content.getAsString());
    }

    private JudgeVerdict fail(JudgeRequest request, String problem, String reply, int attempts) {
        warn("Judge gave no score for item {}: {}", request.id(), problem);
        return JudgeVerdict.failed(problem, excerpt(reply), attempts);
    }

    /** Removes the API key from a reply, then shortens it. */
    private String excerpt(String reply) {
        String safe = apiKey == null ? reply : reply.replace(apiKey, REDACTED);
        return safe.length() <= REPLY_EXCERPT_CHARS ? safe : safe.substring(0, REPLY_EXCERPT_CHARS) + "...";
    }

    private void warn(String format, Object... arguments) {
        int count = warnings.incrementAndGet();
        if (count < WARNINGS_BEFORE_DEBUG) {
            LOG.warn(format, arguments);
        } else if (count == WARNINGS_BEFORE_DEBUG) {
            LOG.warn(format, arguments);
            LOG.warn("{} judge retries and failures so far; further ones are logged at DEBUG", count);
        } else {
            LOG.debug(format, arguments);
        }
    }

    private static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status / 100 == 5;
    }

    /** Returns the exponential back-off before retry {@code attempt}: the initial wait doubled attempt - 1 times, capped. */
    private Duration backoff(int attempt) {
        Duration wait = config.initialBackoff();
        for (int i = 1; i < attempt && wait.compareTo(config.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return min(wait, config.maxBackoff());
    }

    /**
     * Reads a {@code Retry-After} header: a number of seconds or an HTTP date.
     *
     * @param headers the response headers
     * @param now the current time, for a date
     * @return the wait, at least zero, or empty when the header is missing or unreadable
     */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> header = headers.firstValue("Retry-After").map(String::trim);
        if (header.isEmpty() || header.get().isEmpty()) {
            return Optional.empty();
        }
        String value = header.get();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // too many digits for a long
            }
        }
        try {
            Instant date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, date);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            LOG.debug("Ignoring the unreadable Retry-After header '{}'", value);
            return Optional.empty();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Tests a host name for loopback by its text alone, because a DNS lookup would be traffic of its own. */
    private static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]") || name.equals("::1");
    }
}
