package dev.brain.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** API keys: only their SHA-256 is stored; the secret exists once, in what issue returns. */
public interface KeyDao {

    record KeyRow(String id, String agentId, String customerId, String label, Instant createdAt, Instant revokedAt) {
    }

    record IssuedKey(String id, String secret) {
    }

    @SqlQuery("""
            select k.id as key_id, k.agent_id, a.customer_id, c.privacy_tier, c.tier_c_enabled
            from api_keys k join agents a on a.id = k.agent_id join customers c on c.id = a.customer_id
            where k.key_hash = :hash and k.revoked_at is null""")
    @RegisterConstructorMapper(Principal.class)
    Optional<Principal> findActive(byte[] hash);

    @SqlUpdate("insert into api_keys (id, agent_id, key_hash, label) values (:id, :agentId, :hash, :label)")
    void insert(String id, String agentId, byte[] hash, String label);

    /** Mints a key for the agent and stores its hash. */
    default IssuedKey issue(String agentId, String label) {
        String secret = ApiKeys.newSecret();
        String id = ApiKeys.newKeyId();
        insert(id, agentId, ApiKeys.hash(secret), label);
        return new IssuedKey(id, secret);
    }

    @SqlUpdate("update api_keys set revoked_at = now() where id = :id and revoked_at is null")
    int revoke(String id);

    @SqlQuery("""
            select k.id, k.agent_id, a.customer_id, k.label, k.created_at, k.revoked_at
            from api_keys k join agents a on a.id = k.agent_id
            where (cast(:agentId as text) is null or k.agent_id = :agentId)
            order by k.created_at, k.id""")
    @RegisterConstructorMapper(KeyRow.class)
    List<KeyRow> list(String agentId);
}
