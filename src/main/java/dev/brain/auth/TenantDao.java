package dev.brain.auth;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Customers and agents: who a key belongs to. */
public interface TenantDao {

    record CustomerRow(String id, String name, String privacyTier, Instant createdAt) {
    }

    record AgentRow(String id, String customerId, String kind, String version, Instant lastSeenAt, Instant createdAt) {
    }

    @SqlUpdate("insert into customers (id, name, privacy_tier) values (:id, :name, :tier) on conflict (id) do nothing")
    int addCustomer(String id, String name, String tier);

    @SqlQuery("select id, name, privacy_tier, created_at from customers order by id")
    @RegisterConstructorMapper(CustomerRow.class)
    List<CustomerRow> customers();

    @SqlQuery("select exists (select 1 from customers where id = :id)")
    boolean customerExists(String id);

    @SqlUpdate("insert into agents (id, customer_id, kind) values (:id, :customerId, :kind) on conflict (id) do nothing")
    int addAgent(String id, String customerId, String kind);

    @SqlQuery("select exists (select 1 from agents where id = :id)")
    boolean agentExists(String id);

    @SqlQuery("""
            select id, customer_id, kind, version, last_seen_at, created_at from agents
            where (cast(:customerId as text) is null or customer_id = :customerId) order by id""")
    @RegisterConstructorMapper(AgentRow.class)
    List<AgentRow> agents(String customerId);
}
