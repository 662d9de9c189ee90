package dev.brain.otlp;

import dev.brain.auth.Principal;
import dev.brain.sessions.Fragment;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Set;

/**
 * Where a batch of records comes from: the key's customer and agent, the resource's service.name, and the session
 * category (resource attribute brain.category, else the service name). Personal identifiers on the resource
 * (user.email, user.account_uuid, ...) are never read.
 */
record Origin(Principal who, String service, String category) {
    static final String CLAUDE_CODE = "claude-code";
    private static final Set<String> KEYS = Set.of("service.name", "brain.category");

    static Origin of(Principal who, Resource resource) {
        Attrs a = Attrs.of(KEYS, resource.getAttributesList());
        String service = a.name("service.name");
        service = service == null ? "unknown_service" : service;
        String category = a.name("brain.category");
        return new Origin(who, service, category == null ? service : category);
    }

    boolean claudeCode() {
        return CLAUDE_CODE.equals(service);
    }

    String source() {
        String s = "otlp:" + service;
        return s.length() > Attrs.MAX_NAME ? s.substring(0, Attrs.MAX_NAME) : s;
    }

    Fragment.Session session(String sessionId, String categoryOrNull) {
        return new Fragment.Session(who.customerId(), who.agentId(), sessionId, categoryOrNull == null ? category : categoryOrNull, source());
    }

    boolean categorySet() {
        return !category.equals(service);
    }
}
