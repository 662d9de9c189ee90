package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Strings and shapes chosen to break things: stored verbatim, or refused cleanly. */
class HostileInputTest extends OneBrainPerClass {
    HostileInputTest() {
        super("hostile");
    }

    private String storedCategory(String categoryJson) {
        String id = UUID.randomUUID().toString();
        var r = brain.post(key, event(id, Instant.now().toString(), "session.start", "s", "{\"category\":" + categoryJson + "}"));
        assertEquals(202, r.statusCode(), r.body());
        return brain.query("select payload->>'category' from events where event_id = '" + id + "'", rs -> rs.getString(1)).get(0);
    }

    @Test
    void sql_metacharacters_are_stored_verbatim() {
        String evil = "'); drop table events; -- \\\" $$ %_ ;";
        assertEquals("'); drop table events; -- \" $$ %_ ;", storedCategory("\"" + evil + "\""));
        assertTrue(brain.count("select count(*) from events") > 0);
    }

    @Test
    void emoji_and_other_scripts_are_stored_verbatim() {
        assertEquals("📧 répondre — 返信 — ответ 👍🏽", storedCategory("\"📧 répondre — 返信 — ответ 👍🏽\""));
        assertEquals("😀", storedCategory("\"\\ud83d\\ude00\""));
    }

    @Test
    void nul_characters_are_refused_cleanly() {
        var r = brain.post(key, event("session.start", "s", "{\"category\":\"a\\u0000b\"}"));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("invalid_string", json(r).get("error").asText());
        var key0 = brain.post(key, event("session.start", "s", "{\"category\":\"c\",\"k\\u0000\":1}"));
        assertEquals("invalid_string", json(key0).get("error").asText());
        var sess = brain.post(key, event("session.start", "s\\u0000", "{\"category\":\"c\"}"));
        assertEquals(400, sess.statusCode(), sess.body());
    }

    @Test
    void lone_surrogates_are_refused_cleanly() {
        var r = brain.post(key, event("session.start", "s", "{\"category\":\"\\ud800x\"}"));
        assertEquals(400, r.statusCode());
        assertEquals("invalid_string", json(r).get("error").asText());
    }

    @Test
    void huge_numbers_are_stored_exactly_or_refused() {
        String id = UUID.randomUUID().toString();
        String big = "123456789012345678901234567890123456789012345678901234567890";
        var r = brain.post(key, event(id, Instant.now().toString(), "session.start", "s",
                "{\"category\":\"c\",\"big\":" + big + ",\"precise\":0.1000000000000000055511151231257827,\"e\":1e300}"));
        assertEquals(202, r.statusCode(), r.body());
        var row = brain.query("select payload->>'big', payload->>'precise' from events where event_id = '" + id + "'",
                rs -> List.of(rs.getString(1), rs.getString(2))).get(0);
        assertEquals(List.of(big, "0.1000000000000000055511151231257827"), row);
        var tooBig = brain.post(key, event("session.start", "s", "{\"category\":\"c\",\"e\":1e999999}"));
        assertEquals(400, tooBig.statusCode(), tooBig.body());
        assertEquals("number_out_of_range", json(tooBig).get("error").asText());
        var tokens = brain.post(key, event("session.end", "s",
                "{\"status\":\"success\",\"llm_usage\":{\"input_tokens\":99999999999999999999999}}"));
        assertEquals("number_out_of_range", json(tokens).get("error").asText());
    }

    @Test
    void deep_nesting_is_refused_per_event_and_extreme_nesting_per_request() {
        String deep = "[".repeat(40) + "]".repeat(40);
        var r = brain.post(key, batch(List.of(Brain.start("s1"), event("session.start", "s", "{\"category\":\"c\",\"d\":" + deep + "}"))));
        assertEquals(207, r.statusCode(), r.body());
        assertEquals("payload_too_deep", json(r).get("rejected").get(0).get("code").asText());
        String extreme = "[".repeat(100_000) + "]".repeat(100_000);
        var x = brain.post(key, event("session.start", "s", "{\"category\":\"c\",\"d\":" + extreme + "}"));
        assertEquals(400, x.statusCode(), x.body());
        assertEquals("invalid_json", json(x).get("error").asText());
    }

    @Test
    void wrong_types_everywhere_are_refused_not_crashed() {
        for (String body : new String[] {"null", "42", "\"str\"", "{\"events\":{}}", "{\"events\":[1,\"x\",null]}",
                "{\"event_id\":1,\"ts\":2,\"event_type\":3,\"session_id\":4,\"payload\":5}"}) {
            var r = brain.post(key, body);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 207, body + " -> " + r.statusCode() + " " + r.body());
            assertTrue(json(r).has("error") || json(r).has("rejected"), r.body());
        }
    }

    @Test
    void invalid_utf8_is_refused_cleanly() {
        byte[] body = event("session.start", "s", "{\"category\":\"XX\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String s = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        var r = brain.post(key, body, Map.of());
        assertEquals(400, r.statusCode(), r.body());
    }

    @Test
    void gzip_bomb_is_refused_without_inflating_it() throws Exception {
        // ~1 GiB of zeros compresses to ~1 MiB; the server must stop after 8 MiB of output.
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out, 1 << 16)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1000 && out.size() < 1_000_000; i++) {
                gz.write(zeros);
            }
        }
        byte[] bomb = out.toByteArray();
        assertTrue(bomb.length <= 1 << 20, "bomb fits the wire limit: " + bomb.length);
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        var r = brain.post(key, bomb, Map.of("Content-Encoding", "gzip"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(json(r).get("message").asText().contains("inflates beyond"), r.body());
        assertTrue(ms < 30_000, "refused in " + ms + " ms"); // a hang guard: the 413 and the heap show it stopped at 8 MiB
        long grown = (rt.totalMemory() - rt.freeMemory()) - before;
        assertTrue(grown < 200L << 20, "heap grew by " + (grown >> 20) + " MiB");
    }

    @Test
    void eight_mebibytes_of_zeros_in_one_payload_are_refused_per_event_without_building_their_tree() throws Exception {
        // 8 KiB of gzip inflating to [0.0,0.0,...]: about 95 MB of heap as a JSON tree, for every such request in parallel.
        String head = "{\"events\":[" + Brain.start("s_zeros") + ",{\"event_id\":\"" + UUID.randomUUID() + "\",\"ts\":\""
                + Instant.now() + "\",\"event_type\":\"session.start\",\"session_id\":\"s\",\"payload\":{\"category\":\"c\",\"zeros\":[0.0";
        String tail = "]}}," + Brain.start("s_after_zeros") + "]}";
        int room = BodyReader.MAX_INFLATED_BYTES - head.length() - tail.length();
        byte[] body = gzip((head + ",0.0".repeat(room / 4) + tail).getBytes(StandardCharsets.UTF_8));
        assertTrue(body.length < 64 * 1024, "compressed to " + body.length + " bytes");
        // The tree of the whole body costs ~95 MB; the inflated body and one event capped at its token limit fit in half.
        long before = httpThreadsAllocatedBytes();
        var r = brain.post(key, body, Map.of("Content-Encoding", "gzip"));
        long allocated = httpThreadsAllocatedBytes() - before;
        assertEquals(207, r.statusCode(), r.body());
        assertEquals(2, json(r).get("accepted").asInt(), "the events around it are stored: " + r.body());
        assertEquals(1, json(r).get("rejected").get(0).get("index").asInt(), r.body());
        assertEquals("payload_too_large", json(r).get("rejected").get(0).get("code").asText(), r.body());
        assertTrue(allocated < 48L << 20, "the request allocated " + (allocated >> 20) + " MiB on the server");
    }

    @Test
    void a_single_event_too_big_to_build_is_refused_as_payload_too_large() {
        String nested = "{\"category\":\"c\",\"n\":[[{\"z\":[" + "0,".repeat(70_000) + "0]}]]}";
        var r = brain.post(key, event("session.start", "s", nested));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("payload_too_large", json(r).get("error").asText(), r.body());
    }

    @Test
    void content_after_the_json_body_is_refused_and_nothing_is_stored() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String a = event(first, Instant.now().toString(), "session.start", "s", "{\"category\":\"c\"}");
        String b = event(second, Instant.now().toString(), "session.start", "s", "{\"category\":\"c\"}");
        for (String body : new String[] {a + "\n" + b, a + " garbage", batch(List.of(a)) + batch(List.of(b)), a + "}"}) {
            var r = brain.post(key, body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            assertEquals("invalid_json", json(r).get("error").asText(), r.body());
        }
        assertEquals(0, brain.count("select count(*) from events where event_id in ('" + first + "','" + second + "')"));
        var spaced = brain.post(key, a + " \r\n\t ");
        assertEquals(202, spaced.statusCode(), spaced.body());
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    // What the server's request threads allocated so far; the request's own thread is among them.
    private static long httpThreadsAllocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("JettyServerThreadPool")).mapToLong(Thread::getId).toArray();
        return LongStream.of(mx.getThreadAllocatedBytes(ids)).filter(n -> n > 0).sum();
    }

    @Test
    void unsupported_content_encoding_is_415() {
        var r = brain.post(key, Brain.start("s").getBytes(), Map.of("Content-Encoding", "br"));
        assertEquals(415, r.statusCode());
        assertEquals("unsupported_encoding", json(r).get("error").asText());
    }
}
