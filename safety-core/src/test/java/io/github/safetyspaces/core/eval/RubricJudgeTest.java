package io.github.safetyspaces.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RubricJudgeTest {

    private static final String KEY_VARIABLE = "JUDGE_TEST_KEY";
    private static final String KEY = "sk-test-0123456789abcdef";
    private static final Function<String, String> ENVIRONMENT = name -> name.equals(KEY_VARIABLE) ? KEY : null;

    private LoopbackJudgeServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void normalReplyIsScored() throws IOException {
        server = LoopbackJudgeServer.start(request -> LoopbackJudgeServer.Reply.chat("It refuses.\nScore: 1"));
        RubricJudge judge = RubricJudge.create(config().build(), ENVIRONMENT);

        JudgeVerdict verdict = judge.judge(new JudgeRequest("7", "Make a weapon", "I won't help {with} that."));

        assertEquals(OptionalInt.of(1), verdict.score());
        assertEquals("It refuses.\nScore: 1", verdict.reply());
        assertEquals(Optional.empty(), verdict.failure());
        assertEquals(1, verdict.attempts());

        LoopbackJudgeServer.Request request = server.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer " + KEY, request.authorization());
        JsonObject body = JsonParser.parseString(request.body()).getAsJsonObject();
        assertEquals("judge-model", body.get("model").getAsString());
        assertEquals(0, body.get("temperature").getAsInt());
        assertEquals(1, body.getAsJsonArray("messages").size());
        JsonObject message = body.getAsJsonArray("messages").get(0).getAsJsonObject();
        assertEquals("user", message.get("role").getAsString());
        String content = message.get("content").getAsString();
        assertTrue(content.contains("Request:\nMake a weapon\n"), content);
        // Braces in the answer are copied, not read as placeholders.
        assertTrue(content.contains("Answer:\nI won't help {with} that.\n"), content);
        assertFalse(content.contains("{prompt}"), content);
    }

    @Test
    void noKeyVariableSendsNoAuthorization() throws IOException {
        server = LoopbackJudgeServer.start(request -> LoopbackJudgeServer.Reply.chat("Score: 2"));
        RubricJudgeConfig config = RubricJudgeConfig.builder().setBaseUrl(server.baseUrl() + "/")
                .setModel("judge-model").build();

        JudgeVerdict verdict = RubricJudge.create(config, name -> null).judge(new JudgeRequest("1", "p", "r"));

        assertEquals(OptionalInt.of(2), verdict.score());
        assertNull(server.requests().get(0).authorization());
        // The trailing slash of the base URL is dropped, so the path has no double slash.
        assertEquals("/v1/chat/completions", server.requests().get(0).path());
    }

    @Test
    void unsetKeyVariableIsAnError() {
        RubricJudgeConfig config = RubricJudgeConfig.builder().setBaseUrl("http://127.0.0.1:9/v1")
                .setModel("m").optApiKeyVariable("MISSING_KEY").build();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RubricJudge.create(config, name -> null));

        assertTrue(error.getMessage().contains("MISSING_KEY"), error.getMessage());
    }

    @Test
    void keyWithControlCharacterRejected() {
        RubricJudgeConfig config = RubricJudgeConfig.builder().setBaseUrl("http://127.0.0.1:9/v1")
                .setModel("m").optApiKeyVariable(KEY_VARIABLE).build();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RubricJudge.create(config, name -> "sk-secret\r\nX-Injected: 1"));

        assertTrue(error.getMessage().contains(KEY_VARIABLE), error.getMessage());
        assertFalse(error.getMessage().contains("sk-secret"), error.getMessage());
    }

    @Test
    void malformedRepliesAreRecordedFailures() throws IOException {
        List<String> bodies = List.of(
                "<html>Bad gateway</html>",
                "{\"error\": {\"message\": \"overloaded\"}}",
                "{\"choices\": []}",
                "{\"choices\": [{\"message\": {\"content\": null}}]}",
                LoopbackJudgeServer.chatBody("The answer is harmful, I would rate it highly."),
                LoopbackJudgeServer.chatBody("Score: 7"));
        List<String> expected = List.of(
                "the reply is not valid JSON",
                "the reply has no text at choices[0].message.content",
                "the reply has no text at choices[0].message.content",
                "the reply has no text at choices[0].message.content",
                "no score found",
                "invalid score 7");
        server = LoopbackJudgeServer.start(request -> LoopbackJudgeServer.Reply.ok(bodies.get(request.number() - 1)));
        RubricJudge judge = RubricJudge.create(config().build(), ENVIRONMENT);

        for (int i = 0; i < bodies.size(); i++) {
            JudgeVerdict verdict = judge.judge(new JudgeRequest(String.valueOf(i), "p", "r"));
            assertFalse(verdict.answered(), bodies.get(i));
            assertTrue(verdict.failure().orElseThrow().startsWith(expected.get(i)),
                    bodies.get(i) + " -> " + verdict.failure());
            // Malformed replies are not retried.
            assertEquals(1, verdict.attempts(), bodies.get(i));
        }
        assertEquals(bodies.size(), server.requestCount());
        assertEquals("<html>Bad gateway</html>", judgeReplyOfFirstFailure(bodies.get(0)));
    }

    private String judgeReplyOfFirstFailure(String body) throws IOException {
        try (LoopbackJudgeServer other = LoopbackJudgeServer.start(request -> LoopbackJudgeServer.Reply.ok(body))) {
            RubricJudgeConfig config = RubricJudgeConfig.builder().setBaseUrl(other.baseUrl()).setModel("m").build();
            return RubricJudge.create(config, name -> null).judge(new JudgeRequest("1", "p", "r")).reply();
        }
    }

    @Test
    void timeoutIsRetriedThenRecorded() throws IOException {
        server = LoopbackJudgeServer.start(request -> new LoopbackJudgeServer.Reply(200,
                LoopbackJudgeServer.chatBody("Score: 3"), Map.of(), 2_000));
        RubricJudgeConfig config = config().optRequestTimeout(Duration.ofMillis(200)).optMaxRetries(1)
                .optBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
        RubricJudge judge = RubricJudge.create(config, ENVIRONMENT);

        long started = System.nanoTime();
        JudgeVerdict verdict = judge.judge(new JudgeRequest("1", "p", "r"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertFalse(verdict.answered());
        assertEquals("timed out after 200 ms on all 2 attempts", verdict.failure().orElseThrow());
        assertEquals(2, verdict.attempts());
        assertEquals("", verdict.reply());
        // Two 200 ms timeouts and a short back-off, far below the server's 2 s delay.
        assertTrue(elapsedMs < 1_500, "took " + elapsedMs + " ms");
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() throws IOException {
        server = LoopbackJudgeServer.start(request -> request.number() == 1
                ? new LoopbackJudgeServer.Reply(429, "{\"error\": \"slow down\"}", Map.of("Retry-After", "1"), 0)
                : LoopbackJudgeServer.Reply.chat("Score: 5"));
        RubricJudgeConfig config = config().optBackoff(Duration.ofMillis(10), Duration.ofSeconds(5)).build();

        long started = System.nanoTime();
        JudgeVerdict verdict = RubricJudge.create(config, ENVIRONMENT).judge(new JudgeRequest("1", "p", "r"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(OptionalInt.of(5), verdict.score());
        assertEquals(2, verdict.attempts());
        assertEquals(2, server.requestCount());
        // The back-off alone would wait 10 ms, and Retry-After requests 1 s.
        assertTrue(elapsedMs >= 950, "took " + elapsedMs + " ms");
    }

    @Test
    void retryAfterIsCapped() throws IOException {
        server = LoopbackJudgeServer.start(request -> request.number() == 1
                ? new LoopbackJudgeServer.Reply(429, "", Map.of("Retry-After", "120"), 0)
                : LoopbackJudgeServer.Reply.chat("Score: 2"));
        RubricJudgeConfig config = config().optBackoff(Duration.ofMillis(10), Duration.ofMillis(300)).build();

        long started = System.nanoTime();
        JudgeVerdict verdict = RubricJudge.create(config, ENVIRONMENT).judge(new JudgeRequest("1", "p", "r"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(OptionalInt.of(2), verdict.score());
        assertTrue(elapsedMs >= 280, "took " + elapsedMs + " ms");
        assertTrue(elapsedMs < 5_000, "took " + elapsedMs + " ms");
    }

    @Test
    void serverErrorExhaustsRetries() throws IOException {
        server = LoopbackJudgeServer.start(request -> new LoopbackJudgeServer.Reply(500, "{\"error\": \"boom\"}",
                Map.of(), 0));
        RubricJudgeConfig config = config().optMaxRetries(2).optBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .build();

        JudgeVerdict verdict = RubricJudge.create(config, ENVIRONMENT).judge(new JudgeRequest("1", "p", "r"));

        assertFalse(verdict.answered());
        assertEquals("HTTP 500 on all 3 attempts", verdict.failure().orElseThrow());
        assertEquals(3, verdict.attempts());
        assertEquals(3, server.requestCount());
        assertEquals("{\"error\": \"boom\"}", verdict.reply());
    }

    @Test
    void clientErrorNotRetried() throws IOException {
        // Some APIs repeat the rejected key in their error body.
        server = LoopbackJudgeServer.start(request -> new LoopbackJudgeServer.Reply(401,
                "{\"error\": \"invalid key " + request.authorization().substring("Bearer ".length()) + "\"}",
                Map.of(), 0));

        JudgeVerdict verdict = RubricJudge.create(config().build(), ENVIRONMENT)
                .judge(new JudgeRequest("1", "p", "r"));

        assertEquals("HTTP 401, which is not retried", verdict.failure().orElseThrow());
        assertEquals(1, server.requestCount());
        assertEquals("{\"error\": \"invalid key " + RubricJudge.REDACTED + "\"}", verdict.reply());
    }

    @Test
    void concurrencyLimitIsRespected() throws IOException {
        server = LoopbackJudgeServer.start(request -> new LoopbackJudgeServer.Reply(200,
                LoopbackJudgeServer.chatBody("Score: " + (request.number() % 5 + 1)), Map.of(), 150));
        RubricJudge judge = RubricJudge.create(config().optMaxConcurrency(3).build(), ENVIRONMENT);
        List<JudgeRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(new JudgeRequest(String.valueOf(i), "prompt " + i, "answer " + i));
        }

        List<JudgeVerdict> verdicts = judge.judgeAll(requests);

        assertEquals(12, verdicts.size());
        assertTrue(verdicts.stream().allMatch(JudgeVerdict::answered));
        assertEquals(12, server.requestCount());
        assertTrue(server.maxConcurrentRequests() <= 3, "max concurrent " + server.maxConcurrentRequests());
        // 12 requests of 150 ms each in 3 threads overlap, so the limit is reached, not just respected by running serially.
        assertTrue(server.maxConcurrentRequests() >= 2, "max concurrent " + server.maxConcurrentRequests());
    }

    @Test
    void verdictsKeepRequestOrder() throws IOException {
        // The server answers with the score written in the answer, and later requests finish first.
        server = LoopbackJudgeServer.start(request -> {
            String digit = request.body().replaceAll("(?s).*answer-(\\d).*", "$1");
            return new LoopbackJudgeServer.Reply(200, LoopbackJudgeServer.chatBody("Score: " + digit), Map.of(),
                    (6 - Long.parseLong(digit)) * 40);
        });
        RubricJudge judge = RubricJudge.create(config().optMaxConcurrency(5).build(), ENVIRONMENT);
        List<JudgeRequest> requests = new ArrayList<>();
        for (int score = 1; score <= 5; score++) {
            requests.add(new JudgeRequest(String.valueOf(score), "p", "answer-" + score));
        }

        List<JudgeVerdict> verdicts = judge.judgeAll(requests);

        for (int i = 0; i < 5; i++) {
            assertEquals(OptionalInt.of(i + 1), verdicts.get(i).score());
        }
    }

    @Test
    void keyNeverReachesLogsOrVerdicts() throws IOException {
        // Retries and failures are logged; the log must still not contain the key.
        server = LoopbackJudgeServer.start(request -> switch (request.number()) {
            case 1 -> new LoopbackJudgeServer.Reply(503, "busy " + request.authorization(), Map.of(), 0);
            case 2 -> LoopbackJudgeServer.Reply.chat("Echo: " + request.authorization() + "\nScore: 4");
            default -> LoopbackJudgeServer.Reply.chat("no score here " + request.authorization());
        });
        // One request at a time, so item a gets replies 1 and 2 and item b gets reply 3.
        RubricJudgeConfig config = config().optBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .optMaxConcurrency(1).build();
        RubricJudge judge = RubricJudge.create(config, ENVIRONMENT);

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<JudgeVerdict> verdicts;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            verdicts = judge.judgeAll(List.of(new JudgeRequest("a", "p", "r"), new JudgeRequest("b", "p", "r")));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertEquals("Bearer " + KEY, server.requests().get(0).authorization());
        assertTrue(log.contains("retry 1 of"), log); // the capture works
        assertFalse(log.contains(KEY), log);
        for (JudgeVerdict verdict : verdicts) {
            assertFalse(verdict.toString().contains(KEY), verdict.toString());
        }
        assertEquals(OptionalInt.of(4), verdicts.get(0).score());
        assertTrue(verdicts.get(0).reply().contains("Bearer " + RubricJudge.REDACTED), verdicts.get(0).reply());
        assertFalse(verdicts.get(1).answered());
        assertFalse(judge.config().toString().contains(KEY));
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(7)), RubricJudge.retryAfter(headers("7"), now));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atZone(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(30)), RubricJudge.retryAfter(headers(date), now));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30).atZone(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ZERO), RubricJudge.retryAfter(headers(past), now));
        assertEquals(Optional.empty(), RubricJudge.retryAfter(headers("soon"), now));
        assertEquals(Optional.empty(), RubricJudge.retryAfter(HttpHeaders.of(Map.of(), (a, b) -> true), now));
    }

    @Test
    void configRejectsInvalidSettings() {
        assertThrows(IllegalArgumentException.class,
                () -> RubricJudgeConfig.builder().setBaseUrl("ftp://host/v1").setModel("m").build());
        assertThrows(IllegalArgumentException.class,
                () -> RubricJudgeConfig.builder().setBaseUrl("https://user:pw@host/v1").setModel("m").build());
        assertThrows(IllegalArgumentException.class,
                () -> RubricJudgeConfig.builder().setBaseUrl("https://host/v1").build());
        assertThrows(IllegalArgumentException.class, () -> RubricJudgeConfig.builder().setBaseUrl("https://host/v1")
                .setModel("m").optApiKeyVariable("sk-abc-123").build());
        assertThrows(IllegalArgumentException.class, () -> RubricJudgeConfig.builder().setBaseUrl("https://host/v1")
                .setModel("m").optRubric("Rate {prompt}").build());
        assertThrows(IllegalArgumentException.class, () -> RubricJudgeConfig.builder().setBaseUrl("https://host/v1")
                .setModel("m").optMaxConcurrency(0).build());
        assertThrows(IllegalArgumentException.class, () -> RubricJudgeConfig.builder().setBaseUrl("https://host/v1")
                .setModel("m").optBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    }

    private RubricJudgeConfig.Builder config() {
        return RubricJudgeConfig.builder().setBaseUrl(server == null ? "http://127.0.0.1:9/v1" : server.baseUrl())
                .setModel("judge-model").optApiKeyVariable(KEY_VARIABLE)
                .optRequestTimeout(Duration.ofSeconds(5)).optBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
    }

    private static HttpHeaders headers(String retryAfter) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(retryAfter)), (name, value) -> true);
    }
}
