package dev.brain.admin;

import dev.brain.auth.CustomerTokenDao;
import dev.brain.auth.KeyDao;
import dev.brain.auth.TenantDao;
import dev.brain.error.UsageError;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * `brain demo --days N`: about eight customers with a story each (growing, fading, silent agents, a failing tool,
 * over budget, different category mixes), sent through POST /v1/events with keys it mints and back-dated ts.
 * Event ids are derived from the story, so running it twice on the same day adds nothing.
 */
record DemoTraffic(TenantDao tenants, KeyDao keys, CustomerTokenDao tokens, Clock clock, PrintStream out, PrintStream err) {
    static final String PREFIX = "demo_";
    private static final String CURRENT = "2.3.1";
    private static final String OLD = "2.1.0";
    private static final int BATCH = 500;

    /** One customer's story: sessions on a day (days ago), its agents, categories, failure odds, cost per session. */
    record Story(String id, String name, int agents, String version, String[] categories, double costCents, String model) {
        int sessions(int ago, int days) {
            return switch (id) {
                case "demo_acme" -> 2 + Math.round(9f * (days - ago) / days);
                case "demo_globex" -> ago > 14 ? 8 : ago > 7 ? 4 : ago % 3 == 0 ? 1 : 0;
                case "demo_hooli" -> 7;
                case "demo_umbrella" -> 6;
                default -> 3 + (id.length() + ago) % 3;
            };
        }

        /** Days ago from which only the first agent still reports (the silent-agents story), or -1. */
        int silentFrom() {
            return id.equals("demo_initech") ? 5 : -1;
        }

        double failureOdds(int ago) {
            return id.equals("demo_umbrella") && ago < 10 ? 0.7 : 0.05;
        }
    }

    static final List<Story> STORIES = List.of(
            new Story("demo_acme", "Acme (healthy, growing)", 2, CURRENT, new String[] {"email_reply", "billing", "research"}, 2, "claude-sonnet-4-5"),
            new Story("demo_globex", "Globex (fading)", 2, OLD, new String[] {"email_reply", "support_triage"}, 2, "claude-sonnet-4-5"),
            new Story("demo_initech", "Initech (silent agents)", 3, CURRENT, new String[] {"billing", "email_reply", "research"}, 2, "claude-sonnet-4-5"),
            new Story("demo_umbrella", "Umbrella (failing tool)", 2, CURRENT, new String[] {"code_review", "deploy"}, 3, "claude-sonnet-4-5"),
            new Story("demo_hooli", "Hooli (over budget)", 2, CURRENT, new String[] {"research", "report_writing"}, 180, "claude-opus-4-1"),
            new Story("demo_stark", "Stark (engineering mix)", 2, CURRENT, new String[] {"code_review", "refactoring", "test_writing", "email_reply"}, 4, "claude-sonnet-4-5"),
            new Story("demo_wayne", "Wayne (support mix)", 1, CURRENT, new String[] {"research", "email_reply", "support_triage", "billing"}, 2, "claude-haiku-4-5"),
            new Story("demo_wonka", "Wonka (email only)", 1, OLD, new String[] {"email_reply"}, 1, "claude-haiku-4-5"));

    int run(Args a) {
        int days = a.optional("days") == null ? 30 : positive(a.optional("days"));
        String url = a.required("url").replaceAll("/+$", "");
        boolean force = "true".equals(a.optional("force"));
        List<String> others = tenants.customers().stream().map(TenantDao.CustomerRow::id)
                .filter(id -> !id.startsWith(PREFIX) && !id.equals("cust_demo")).toList();
        if (!others.isEmpty() && !force) {
            err.println("this database already holds " + others.size() + " other customer(s) (e.g. " + others.get(0)
                    + "); the demo adds made-up customers next to real ones only with --force true");
            return 1;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long sent = 0;
        for (Story s : STORIES) {
            sent += send(http, url, s, days);
        }
        String portal = tokens.issue("demo_acme", "demo portal").secret();
        out.println(sent + " events sent for " + STORIES.size() + " customers over " + days + " days");
        out.println("dashboard:         " + url + "/dashboard   (the admin token; the rollups fold within BRAIN_ROLLUP_INTERVAL_S)");
        out.println("Acme's own view:   " + url + "/dashboard#token=" + portal);
        out.println("weekly digest:     java -jar target/brain.jar report weekly");
        return 0;
    }

    private long send(HttpClient http, String url, Story s, int days) {
        tenants.addCustomer(s.id(), s.name(), "b");
        Random random = new Random(s.id().hashCode());
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant now = clock.instant();
        long sent = 0;
        for (int n = 1; n <= s.agents(); n++) {
            String agent = s.id() + "_agent" + n;
            tenants.addAgent(agent, s.id(), "support-bot");
            String key = keys.issue(agent, "demo").secret();
            boolean silences = s.silentFrom() >= 0 && n > 1;
            List<String> events = new ArrayList<>();
            for (int ago = days - 1; ago >= 0; ago--) {
                if (silences && ago < s.silentFrom()) {
                    break;
                }
                Instant dayStart = today.minusDays(ago).atStartOfDay(ZoneOffset.UTC).toInstant();
                Instant last = ago == 0 ? now.minus(Duration.ofMinutes(2)) : dayStart.plus(Duration.ofHours(20));
                int sessions = s.sessions(ago, days);
                for (int i = 0; i < sessions; i++) {
                    int active = s.silentFrom() >= 0 && ago < s.silentFrom() ? 1 : s.agents();
                    if (i % active != n - 1) {
                        continue;
                    }
                    Instant at = ago == 0 ? now.minus(Duration.ofMinutes(10L * (i + 2))) : dayStart.plus(Duration.ofMinutes(480 + 20L * i));
                    session(events, s, agent + "_" + today.minusDays(ago) + "_" + i, ago, at, random);
                }
                events.add(event(id(agent, ago, "heartbeat"), last, "heartbeat", null,
                        "{\"agent_version\":\"" + s.version() + "\",\"pid_uptime_s\":3600}"));
            }
            for (int from = 0; from < events.size(); from += BATCH) {
                post(http, url, key, events.subList(from, Math.min(events.size(), from + BATCH)));
            }
            sent += events.size();
        }
        return sent;
    }

    private void session(List<String> events, Story s, String session, int ago, Instant at, Random random) {
        String category = s.categories()[random.nextInt(s.categories().length)];
        boolean failed = random.nextDouble() < s.failureOdds(ago);
        boolean escalated = !failed && random.nextDouble() < 0.04;
        String tool = s.id().equals("demo_umbrella") ? "deploy" : "send_email";
        String calls = "[{\"name\":\"search\",\"ms\":" + (80 + random.nextInt(200)) + ",\"ok\":true},{\"name\":\"" + tool + "\",\"ms\":"
                + (failed ? 4000 + random.nextInt(4000) : 150 + random.nextInt(600)) + ",\"ok\":" + !failed + "}]";
        double cost = Math.round(s.costCents() * (0.6 + 0.8 * random.nextDouble()) * 100) / 100.0;
        long input = Math.round(cost * 2500);
        String usage = "[{\"model\":\"" + s.model() + "\",\"input_tokens\":" + input + ",\"output_tokens\":" + input / 8
                + ",\"cost_cents\":" + cost + "}]";
        events.add(event(id(session, 0, "start"), at, "session.start", session, "{\"category\":\"" + category + "\"}"));
        events.add(event(id(session, 0, "end"), at.plusSeconds(40 + random.nextInt(300)), "session.end", session,
                "{\"status\":\"" + (failed ? "failed" : escalated ? "escalated" : "success") + "\",\"tool_calls\":" + calls
                        + ",\"llm_usage\":" + usage + "}"));
    }

    private void post(HttpClient http, String url, String key, List<String> events) {
        String body = "{\"events\":[" + String.join(",", events) + "],\"sent_at\":\"" + clock.instant() + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/events")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("the brain at " + url + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new UsageError("no brain answers at " + url + " (" + e.getClass().getSimpleName() + "); start one with make run, or pass --url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String event(String eventId, Instant ts, String type, String session, String payload) {
        return "{\"event_id\":\"" + eventId + "\",\"ts\":\"" + ts + "\",\"event_type\":\"" + type + "\","
                + (session == null ? "" : "\"session_id\":\"" + session + "\",") + "\"payload\":" + payload + "}";
    }

    private String id(String scope, int ago, String what) {
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(ago);
        return UUID.nameUUIDFromBytes((scope + "|" + day + "|" + what).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static int positive(String v) {
        if (!v.matches("[0-9]{1,3}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 365) {
            throw new UsageError("--days must be a whole number from 1 to 365");
        }
        return Integer.parseInt(v);
    }
}
